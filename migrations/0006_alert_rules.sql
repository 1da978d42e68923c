CREATE TABLE `alert_hits` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rule_id` text NOT NULL,
	`order_no` text,
	`group_key` text NOT NULL,
	`group_id` integer,
	`level` text NOT NULL,
	`action` text NOT NULL,
	`score` integer,
	`amount` integer DEFAULT 0 NOT NULL,
	`message` text NOT NULL,
	`details` text NOT NULL,
	`status` text NOT NULL,
	`outcome` text,
	`decided_by` text,
	`decided_at` integer,
	`escalation` integer DEFAULT 0 NOT NULL,
	`next_escalation_at` integer,
	`notified_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `alert_hits_rule_idx` ON `alert_hits` (`rule_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `alert_hits_group_idx` ON `alert_hits` (`rule_id`,`group_key`,`status`);--> statement-breakpoint
CREATE INDEX `alert_hits_order_idx` ON `alert_hits` (`order_no`);--> statement-breakpoint
CREATE INDEX `alert_hits_status_idx` ON `alert_hits` (`status`,`next_escalation_at`);--> statement-breakpoint
CREATE TABLE `alert_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`enabled` integer NOT NULL,
	`level` text NOT NULL,
	`params` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text
);
--> statement-breakpoint
CREATE TABLE `alert_silences` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rule_id` text NOT NULL,
	`until` integer NOT NULL,
	`reason` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `alert_silences_rule_idx` ON `alert_silences` (`rule_id`,`until`);--> statement-breakpoint
DROP INDEX `orders_buyer_phone_idx`;--> statement-breakpoint
CREATE INDEX `orders_buyer_phone_idx` ON `orders` (`buyer_phone`,`created_at`);--> statement-breakpoint
CREATE INDEX `addresses_detail_idx` ON `addresses` (`detail`);