/** SPEC §3 roles. A user has one; `admin` may do everything. */
export const ROLES = [
  "agent",
  "supervisor",
  "manager",
  "ops",
  "warehouse",
  "purchasing",
  "finance",
  "admin",
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  agent: "客服",
  supervisor: "客服主管",
  manager: "经理",
  ops: "运营",
  warehouse: "仓库",
  purchasing: "采购",
  finance: "财务",
  admin: "管理员",
};

export const PLATFORMS = ["wecom", "dingtalk", "console"] as const;
export type Platform = (typeof PLATFORMS)[number];

export function isRole(v: string): v is Role {
  return (ROLES as readonly string[]).includes(v);
}

export function isPlatform(v: string): v is Platform {
  return (PLATFORMS as readonly string[]).includes(v);
}

/** Roles that may act as a supervisor: the supervisor, those above them, and admins. */
export const SUPERVISORS: readonly Role[] = ["supervisor", "manager", "admin"];

/** Roles that see buyers' full phone numbers and addresses; everyone else sees them masked. */
/** Who may switch anomaly rules and change their parameters (SPEC §2.6: managers). */
export const MANAGERS: readonly Role[] = ["manager", "admin"];
export const SEES_CONTACT: readonly Role[] = ["supervisor", "manager", "warehouse", "admin"];

/** True when `role` is one of `allowed` (admins always are). An empty list means everyone. */
export function roleAllows(role: Role, allowed: readonly Role[] | undefined): boolean {
  if (!allowed || allowed.length === 0) return true;
  return role === "admin" || allowed.includes(role);
}

export function describeRoles(allowed: readonly Role[]): string {
  return allowed.map((r) => `${ROLE_LABELS[r]}(${r})`).join(" / ");
}
