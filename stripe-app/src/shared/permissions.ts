import type { RoleDefinition } from '@stripe/ui-extension-sdk/context';

/**
 * What a Dashboard user may change in the App, from the roles Stripe gives the
 * view (`userContext.roles`). A user holds every right any of their roles
 * grants. Roles are matched by their stable `id`; older Dashboards send only
 * the display `name`, which is mapped to the id here. Custom roles (private
 * apps only) grant nothing: we cannot know what they allow.
 *
 * This only decides what the views show. The backend cannot check roles: the
 * request signature covers user_id and account_id only (docs/decisions.md).
 */

/** Recovery controls on a case: retry now, send a reminder, pause, resume, cancel, a card-update link. */
const CASE_CONTROLLERS: ReadonlySet<string> = new Set(['super_admin', 'owner', 'admin', 'developer', 'support_specialist']);
/** Settings, API keys and webhook endpoint secrets: the roles Stripe itself lets see API keys and change settings. */
const SETTINGS_MANAGERS: ReadonlySet<string> = new Set(['super_admin', 'owner', 'admin', 'developer']);

/** Built-in roles' display names, for Dashboards that send no `id`. */
const ID_BY_NAME: Record<string, string> = {
  owner: 'owner',
  'account owner': 'owner',
  'super administrator': 'super_admin',
  administrator: 'admin',
  developer: 'developer',
  'support specialist': 'support_specialist',
  analyst: 'analyst',
  'view only': 'view_only',
};

type Roles = readonly RoleDefinition[] | undefined;

function roleIdOf(role: RoleDefinition): string | null {
  if (role.type === 'custom') return null;
  if (role.id) return role.id.toLowerCase();
  return ID_BY_NAME[role.name.trim().toLowerCase()] ?? null;
}

function grants(roles: Roles, allowed: ReadonlySet<string>): boolean {
  return (roles ?? []).some((role) => {
    const id = roleIdOf(role);
    return id !== null && allowed.has(id);
  });
}

/** Administrators, developers and support specialists may retry, remind, pause, resume, cancel and hand out card-update links. */
export function canControlCases(roles: Roles): boolean {
  return grants(roles, CASE_CONTROLLERS);
}

/** Administrators and developers may change settings and manage API keys and webhook endpoint secrets. */
export function canChangeSettings(roles: Roles): boolean {
  return grants(roles, SETTINGS_MANAGERS);
}

/** "Analyst", "Analyst, View only"; "no role" when the Dashboard gave none. */
function roleNames(roles: Roles): string {
  const names = (roles ?? []).map((role) => role.name.trim()).filter((name) => name !== '');
  return names.length > 0 ? names.join(', ') : 'no role';
}

/** "Your Dashboard role (Analyst) can view recovery but not change it. Ask an administrator." */
export function whyCasesAreReadOnly(roles: Roles): string {
  return `Your Dashboard role (${roleNames(roles)}) can view recovery but not change it. Ask an administrator.`;
}

/** The same sentence for the settings page, which also holds API keys and webhook secrets. */
export function whySettingsAreReadOnly(roles: Roles): string {
  return `Your Dashboard role (${roleNames(roles)}) can view these settings but not change them, nor manage API keys or webhook endpoints. Ask an administrator or a developer.`;
}
