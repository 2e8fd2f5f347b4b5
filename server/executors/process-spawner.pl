#!/usr/bin/perl
# Baton's process spawner: a small, long-lived helper that forks commands for the local executor,
# so the fork copies this few-MB process instead of the server. It uses only modules of perl-base
# (Essential on Debian). The protocol is documented in process-spawner.ts, its only client.
#
# Invariants: a command's output is read only while less than MAX_PENDING bytes wait to reach the
# server (the pipes back up into the command, not into memory); a run ends (frame X) only once it
# was reaped and its pipes reached EOF or the drain time passed, and then its process group is
# SIGKILLed. On EOF of stdin the helper exits without touching the commands still running.
use strict;
use warnings;
use POSIX ();
use Errno qw(EINTR EAGAIN EWOULDBLOCK);
use Fcntl qw(F_GETFL F_SETFL O_NONBLOCK);

my $DRAIN_TICKS;    # how long output may flow after the shell exited, in clock ticks
my $TICKS_PER_S = POSIX::sysconf(POSIX::_SC_CLK_TCK()) || 100;
{
    my $ms = defined $ARGV[0] && $ARGV[0] =~ /^\d+$/ ? $ARGV[0] : 1000;
    $DRAIN_TICKS = int($ms * $TICKS_PER_S / 1000) + 1;
}
my $CHUNK       = 65536;
# Output pipes are widened to PIPE_BYTES where the kernel allows (F_SETPIPE_SZ; the unprivileged
# limit is /proc/sys/fs/pipe-max-size, 1 MiB by default), and read up to that much at once: a
# flood then costs a few large reads and writes per MiB instead of one wakeup per 64 KiB.
my $PIPE_BYTES  = 1 << 20;
my $F_SETPIPE_SZ = 1031;
my $FRAME_MAX   = $PIPE_BYTES;
my $MAX_PENDING = 4 * $PIPE_BYTES;
my $WIDE_RUNS   = 16;
my $EXIT_POLL_TICKS = int($TICKS_PER_S / 10) + 1;

# A monotonic clock (times(2) counts ticks since an arbitrary point): Time::HiRes is not in perl-base.
sub now { return (POSIX::times())[0] }

# What the server inherited without close-on-exec would reach every command: closed here, as the
# native helper does when it starts (a command gets 0, 1 and 2 only).
if (opendir(my $fds, '/proc/self/fd')) {
    my $own = fileno($fds) // -1;
    POSIX::close($_) for grep { /^\d+$/ && $_ > 2 && $_ != $own } readdir($fds);
    closedir($fds);
}

open(my $null, '<', '/dev/null') or die "process-spawner: /dev/null: $!\n";
my $flags = fcntl(STDOUT, F_GETFL, 0) or die "process-spawner: fcntl: $!\n";
fcntl(STDOUT, F_SETFL, $flags | O_NONBLOCK) or die "process-spawner: fcntl: $!\n";
fcntl(STDOUT, $F_SETPIPE_SZ, $PIPE_BYTES) if $^O eq 'linux';    # best effort

my $reap_pending = 0;
# Handlers, not 'IGNORE': an ignored signal would stay ignored in the commands after exec.
$SIG{CHLD} = sub { $reap_pending = 1 };
$SIG{PIPE} = sub { };

my %runs;      # id => { pid, fds => { fileno => [fh, 'O' or 'E'] }, code, deadline, failure, eof_tick }
my %id_of;     # pid => id, until reaped
my %reader;    # fileno => id
my $in  = '';
my $out = '';
my $stdin_open = 1;

sub frame {
    my ($id, $type, $payload) = @_;
    $out .= pack('NaN', $id, $type, length $payload) . $payload;
}

sub flush_out {
    while (length $out) {
        my $n = syswrite(STDOUT, $out);
        if (defined $n) {
            substr($out, 0, $n, '');
            next;
        }
        return if $! == EAGAIN || $! == EWOULDBLOCK || $! == EINTR;
        exit 0;    # the server is gone
    }
}

sub start_run {
    my ($id, $cwd, $command, @env) = @_;
    # The working directory and environment are set here, in the helper, and inherited: the less
    # perl runs in the child before exec, the fewer pages it copies.
    unless (chdir $cwd) {
        frame($id, 'F', "chdir $cwd: $!");
        return;
    }
    %ENV = ();
    for my $pair (@env) {
        my ($key, $value) = split /=/, $pair, 2;
        $ENV{$key} = $value // '';
    }
    my ($out_r, $out_w, $err_r, $err_w, $exec_r, $exec_w);
    unless (pipe($out_r, $out_w) && pipe($err_r, $err_w) && pipe($exec_r, $exec_w)) {
        frame($id, 'F', "pipe: $!");
        return;
    }
    my $pid = fork;
    if (!defined $pid) {
        close($_) for $out_r, $out_w, $err_r, $err_w, $exec_r, $exec_w;
        frame($id, 'F', "fork: $!");
        return;
    }
    if ($pid == 0) {
        # The child: its own session and process group, stdin from /dev/null, the pipes as stdout
        # and stderr. Signal handlers fall back to default at exec (none is set to ignore), perl
        # restores the empty signal mask after fork, every other descriptor is close-on-exec: the
        # exec pipe's EOF tells the helper the exec succeeded, a message on it why it failed.
        POSIX::setsid();
        POSIX::dup2(fileno($null),  0);
        POSIX::dup2(fileno($out_w), 1);
        POSIX::dup2(fileno($err_w), 2);
        { no warnings 'exec'; exec { '/bin/sh' } '/bin/sh', '-c', $command; }
        syswrite($exec_w, "exec /bin/sh: $!");
        POSIX::_exit(127);
    }
    # The exec is waited for right here, blocking: the exec pipe closes (P: the command runs as
    # sh, in its session, with its environment; the server may signal it and find it by pid) or
    # says why the exec failed (F). Until the child execs, every page either process writes is
    # copied, so the helper touches as little as it can meanwhile, and it saves a select round.
    # An exec takes a fraction of a millisecond; other runs' output waits in their pipes.
    close($exec_w);
    my $failure = '';
    while (1) {
        my $n = sysread($exec_r, my $buf, 4096);
        if (!defined $n) {
            next if $! == EINTR;
            last;
        }
        last if $n == 0;
        $failure .= $buf;
    }
    close($exec_r);
    close($out_w);
    close($err_w);
    chdir '/';    # hold no workspace open
    for my $fh ($out_r, $err_r) {
        my $flags = fcntl($fh, F_GETFL, 0);
        fcntl($fh, F_SETFL, $flags | O_NONBLOCK) if $flags;
    }
    # Best effort, as above, and for the first WIDE_RUNS runs only: a user's pipes share a limit
    # (/proc/sys/fs/pipe-user-pages-soft, 64 MiB by default) past which new pipes get 8 KiB.
    fcntl($out_r, $F_SETPIPE_SZ, $PIPE_BYTES) if $^O eq 'linux' && keys(%runs) < $WIDE_RUNS;
    my %fds = (fileno($out_r) => [$out_r, 'O'], fileno($err_r) => [$err_r, 'E']);
    $reader{$_} = $id for keys %fds;
    $runs{$id} = { pid => $pid, fds => \%fds, code => undef, deadline => undef, failure => $failure };
    $id_of{$pid} = $id;
    frame($id, length $failure ? 'F' : 'P', length $failure ? $failure : $pid);
}

sub read_requests {
    my $n = sysread(STDIN, $in, $CHUNK, length $in);
    return if !defined $n && $! == EINTR;
    if (!$n) {
        $stdin_open = 0;
        return;
    }
    while (length($in) >= 4) {
        my $len = unpack('N', $in);
        last if length($in) < 4 + $len;
        my @fields = split /\0/, substr($in, 4, $len), -1;
        substr($in, 0, 4 + $len, '');
        my $kind = shift @fields // '';
        start_run(@fields) if $kind eq 'S' && @fields >= 3;
    }
}

sub close_fd {
    my ($run, $fd) = @_;
    my $entry = delete $run->{fds}{$fd} or return;
    delete $reader{$fd};
    close($entry->[0]);
    $run->{eof_tick} = now() unless %{ $run->{fds} } || defined $run->{code};
}

# Runs whose pipes all closed a moment ago but that are not reaped yet: the shell is exiting.
# Their SIGCHLD may come just before select starts, where perl's deferred handler cannot cut
# select short, so they are polled for a short while instead of waiting for the long timeout.
sub exiting {
    my $now = now();
    return grep { !defined $_->{code} && defined $_->{eof_tick} && $now - $_->{eof_tick} <= $EXIT_POLL_TICKS } values %runs;
}

sub read_child {
    my ($fd) = @_;
    my $id  = $reader{$fd};
    my $run = $runs{$id};
    my ($fh, $kind) = @{ $run->{fds}{$fd} };
    # Read straight behind a frame header in the output buffer (one copy), as much as the pipe
    # holds up to FRAME_MAX, then fill in the length: fewer, larger frames while output floods.
    my $at = length $out;
    $out .= pack('NaN', $id, $kind, 0);
    my ($total, $eof) = (0, 0);
    while ($total < $FRAME_MAX) {
        my $n = sysread($fh, $out, $FRAME_MAX - $total, $at + 9 + $total);
        if (!defined $n) {
            $eof = 1 unless $! == EAGAIN || $! == EWOULDBLOCK || $! == EINTR;
            last;
        }
        if ($n == 0) {
            $eof = 1;
            last;
        }
        $total += $n;
        last if $total < $FRAME_MAX;    # the pipe is empty: a short read
    }
    if ($total) {
        substr($out, $at + 5, 4, pack('N', $total));
    } else {
        substr($out, $at, 9, '');
    }
    close_fd($run, $fd) if $eof;
}

sub reap {
    $reap_pending = 0;
    while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) {
        my $status = $?;
        my $id = delete $id_of{$pid};
        next unless defined $id;
        my $run = $runs{$id};
        $run->{code} = POSIX::WIFSIGNALED($status) ? 128 + POSIX::WTERMSIG($status) : POSIX::WEXITSTATUS($status);
        $run->{deadline} = now() + $DRAIN_TICKS;
    }
}

sub paused { return length($out) >= $MAX_PENDING }

sub finish_ready {
    my $now = now();
    for my $id (keys %runs) {
        my $run = $runs{$id};
        next unless defined $run->{code};
        # The drain time is for pipes a background child holds open, not for output left unread
        # while the server is behind: that is read first.
        next if %{ $run->{fds} } && ($now < $run->{deadline} || paused());
        # What the pipes hold now still goes out, then they are cut.
        for my $fd (keys %{ $run->{fds} }) {
            read_child($fd);
            close_fd($run, $fd);
        }
        # Whatever the command left running in its group ends with it.
        kill 'KILL', -$run->{pid};
        frame($id, 'X', $run->{code}) unless length $run->{failure};
        delete $runs{$id};
    }
}

frame(0, 'H', $$);
while (1) {
    my $exiting = exiting();
    reap() if $reap_pending || $exiting;
    finish_ready();
    flush_out();
    exit 0 unless $stdin_open;

    my $rin = '';
    vec($rin, 0, 1) = 1;
    my $paused = paused();
    vec($rin, $_, 1) = 1 for $paused ? () : keys %reader;
    my $win = '';
    vec($win, 1, 1) = 1 if length $out;

    # SIGCHLD interrupts select; the short timeout only covers one arriving just before select
    # starts (perl defers its handler), and the deadline the next draining run reaches (which
    # waits, while paused, for the server to take the output).
    my $timeout;
    if ($reap_pending) {
        $timeout = 0;
    } else {
        $timeout = $exiting ? 0.001 : 0.05 if %id_of;
        for my $run ($paused ? () : values %runs) {
            next unless defined $run->{deadline};
            my $left = ($run->{deadline} - now()) / $TICKS_PER_S;
            $left = 0 if $left < 0;
            $timeout = $left if !defined $timeout || $left < $timeout;
        }
    }
    my $ready = select(my $rout = $rin, my $wout = $win, undef, $timeout);
    if ($ready < 0) {
        next if $! == EINTR;
        die "process-spawner: select: $!\n";
    }
    next if $ready == 0;
    flush_out() if vec($wout, 1, 1);
    read_requests() if vec($rout, 0, 1);
    for my $fd (keys %reader) {
        read_child($fd) if vec($rout, $fd, 1) && exists $reader{$fd};
    }
}
