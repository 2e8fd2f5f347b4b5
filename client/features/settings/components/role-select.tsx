import { Role } from "../../../../shared/api/api-contract";
import { selectClass } from "./field";

export const ROLE_HINT = "viewer: reads pipelines and logs · operator: also launches, reruns, skips, kills, modifies · admin: also settings";

export function RoleSelect({ value, onChange, label, disabled, id }: { value: Role; onChange: (role: Role) => void; label?: string; disabled?: boolean; id?: string }) {
  return (
    <select id={id} aria-label={label} className={selectClass} value={value} disabled={disabled} onChange={(event) => onChange(Role.parse(event.target.value))}>
      {Role.options.map((role) => (
        <option key={role} value={role}>
          {role}
        </option>
      ))}
    </select>
  );
}
