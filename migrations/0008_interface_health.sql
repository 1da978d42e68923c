CREATE TABLE `health_signals` (
	`source` text NOT NULL,
	`signal` text NOT NULL,
	`state` text NOT NULL,
	`value` real NOT NULL,
	`threshold` real NOT NULL,
	`detail` text NOT NULL,
	`example` text,
	`since` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`notified_at` integer,
	PRIMARY KEY(`source`, `signal`)
);
--> statement-breakpoint
CREATE TABLE `source_shapes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source` text NOT NULL,
	`kind` text NOT NULL,
	`path` text NOT NULL,
	`types` text NOT NULL,
	`example` text,
	`first_inbox_id` integer,
	`first_seen_at` integer NOT NULL,
	`first_seq` integer NOT NULL,
	`last_seq` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`last_inbox_id` integer,
	`seen` integer NOT NULL,
	`changed_at` integer,
	`changed_inbox_id` integer,
	`changed_from` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `source_shapes_path_idx` ON `source_shapes` (`source`,`kind`,`path`);--> statement-breakpoint
CREATE INDEX `order_events_source_received_idx` ON `order_events` (`source`,`received_at`);