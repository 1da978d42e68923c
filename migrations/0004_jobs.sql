CREATE TABLE `drift_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`order_no` text NOT NULL,
	`kind` text NOT NULL,
	`anchor` text,
	`detail` text NOT NULL,
	`first_seen_at` integer NOT NULL,
	`resolved_at` integer,
	`resolved_run_id` integer
);
--> statement-breakpoint
CREATE INDEX `drift_items_run_idx` ON `drift_items` (`run_id`,`kind`);--> statement-breakpoint
CREATE INDEX `drift_items_order_idx` ON `drift_items` (`order_no`,`kind`);--> statement-breakpoint
CREATE TABLE `drift_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`day` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`scanned` integer DEFAULT 0 NOT NULL,
	`found` integer DEFAULT 0 NOT NULL,
	`resolved` integer DEFAULT 0 NOT NULL,
	`status` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `drift_runs_day_idx` ON `drift_runs` (`day`);--> statement-breakpoint
CREATE TABLE `job_leases` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`fence` integer DEFAULT 0 NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`day` text NOT NULL,
	`markdown` text NOT NULL,
	`figures` text NOT NULL,
	`png` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `reports_kind_day_idx` ON `reports` (`kind`,`day`);