import { and, asc, eq } from "drizzle-orm";
import type { Reader, Tx } from "../db/client.ts";
import { chatUsers } from "../db/schema/index.ts";
import { AppError } from "../errors.ts";
import { isPlatform, isRole, type Platform, type Role } from "./roles.ts";

export interface ChatUserRow {
  platform: Platform;
  userId: string;
  role: Role;
  name: string | null;
}

/** The role mapped to a platform user, or null when nobody added them. */
export async function findChatUser(
  db: Reader,
  platform: Platform,
  userId: string,
): Promise<ChatUserRow | null> {
  const [row] = await db
    .select()
    .from(chatUsers)
    .where(and(eq(chatUsers.platform, platform), eq(chatUsers.userId, userId)));
  if (!row || !isRole(row.role)) return null;
  return { platform, userId, role: row.role, name: row.name };
}

/** Adds or changes a user's role. */
export async function setChatUser(
  tx: Tx,
  input: { platform: string; userId: string; role: string; name?: string | null; by: string; now: number },
): Promise<ChatUserRow> {
  if (!isPlatform(input.platform))
    throw new AppError("bad_request", `unknown platform "${input.platform}": use wecom, dingtalk or console`);
  if (!isRole(input.role))
    throw new AppError(
      "bad_request",
      `unknown role "${input.role}": use agent, supervisor, manager, ops, warehouse, purchasing, finance or admin`,
    );
  const userId = input.userId.trim();
  if (!userId || userId.length > 128) throw new AppError("bad_request", "user id must be 1–128 characters");
  await tx
    .insert(chatUsers)
    .values({
      platform: input.platform,
      userId,
      role: input.role,
      name: input.name ?? null,
      addedBy: input.by,
      createdAt: input.now,
      updatedAt: input.now,
    })
    .onConflictDoUpdate({
      target: [chatUsers.platform, chatUsers.userId],
      set: {
        role: input.role,
        updatedAt: input.now,
        addedBy: input.by,
        ...(input.name ? { name: input.name } : {}),
      },
    });
  return { platform: input.platform, userId, role: input.role, name: input.name ?? null };
}

export async function removeChatUser(tx: Tx, platform: string, userId: string): Promise<boolean> {
  const gone = await tx
    .delete(chatUsers)
    .where(and(eq(chatUsers.platform, platform), eq(chatUsers.userId, userId)))
    .returning({ id: chatUsers.userId });
  return gone.length > 0;
}

export async function listChatUsers(db: Reader): Promise<ChatUserRow[]> {
  const rows = await db.select().from(chatUsers).orderBy(asc(chatUsers.platform), asc(chatUsers.userId));
  return rows.flatMap((r) =>
    isPlatform(r.platform) && isRole(r.role)
      ? [{ platform: r.platform, userId: r.userId, role: r.role, name: r.name }]
      : [],
  );
}
