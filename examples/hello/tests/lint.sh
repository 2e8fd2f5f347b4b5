#!/bin/sh
# Lint: every script under scripts/ is a POSIX sh script (starts with #!/bin/sh).
# Looks only at scripts/, so it passes or fails independently of the other tests.
set -eu
echo "lint: checking scripts/*.sh"
count=0
for file in scripts/*.sh; do
  IFS= read -r first < "$file" || first=""
  if [ "$first" != "#!/bin/sh" ]; then
    echo "lint: $file does not start with #!/bin/sh" >&2
    exit 1
  fi
  count=$((count + 1))
done
echo "lint: $count scripts ok"
