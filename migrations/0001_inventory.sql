CREATE TABLE `alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`severity` text NOT NULL,
	`order_no` text,
	`sku` text,
	`message` text NOT NULL,
	`details` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`created_at` integer NOT NULL,
	`resolved_at` integer
);
--> statement-breakpoint
CREATE INDEX `alerts_status_idx` ON `alerts` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `alerts_order_idx` ON `alerts` (`order_no`);--> statement-breakpoint
CREATE TABLE `job_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`job` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`outcome` text NOT NULL,
	`counts` text,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `job_runs_job_idx` ON `job_runs` (`job`,`started_at`);--> statement-breakpoint
CREATE TABLE `payments` (
	`payment_id` text PRIMARY KEY NOT NULL,
	`order_no` text NOT NULL,
	`amount` integer NOT NULL,
	`source` text NOT NULL,
	`outcome` text NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `payments_order_idx` ON `payments` (`order_no`);--> statement-breakpoint
CREATE TABLE `reservations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_no` text NOT NULL,
	`sku` text NOT NULL,
	`qty` integer NOT NULL,
	`status` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`settled_at` integer,
	`payment_id` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reservations_order_sku_idx` ON `reservations` (`order_no`,`sku`);--> statement-breakpoint
CREATE INDEX `reservations_status_expiry_idx` ON `reservations` (`status`,`expires_at`);--> statement-breakpoint
CREATE TABLE `restock_orders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sku` text NOT NULL,
	`status` text NOT NULL,
	`suggested_qty` integer NOT NULL,
	`reason` text NOT NULL,
	`opened_at` integer NOT NULL,
	`closed_at` integer,
	`closed_reason` text
);
--> statement-breakpoint
CREATE INDEX `restock_orders_sku_idx` ON `restock_orders` (`sku`,`status`);--> statement-breakpoint
CREATE TABLE `skus` (
	`sku` text PRIMARY KEY NOT NULL,
	`on_hand` integer DEFAULT 0 NOT NULL,
	`reserved` integer DEFAULT 0 NOT NULL,
	`safety_stock` integer DEFAULT 0 NOT NULL,
	`cost` integer DEFAULT 0 NOT NULL,
	`listed` integer DEFAULT true NOT NULL,
	`fence` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `skus_listed_idx` ON `skus` (`listed`);--> statement-breakpoint
CREATE TABLE `stock_movements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sku` text NOT NULL,
	`kind` text NOT NULL,
	`delta_on_hand` integer NOT NULL,
	`delta_reserved` integer NOT NULL,
	`order_no` text,
	`ref` text,
	`note` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `stock_movements_sku_idx` ON `stock_movements` (`sku`,`id`);--> statement-breakpoint
CREATE INDEX `stock_movements_order_idx` ON `stock_movements` (`order_no`);--> statement-breakpoint
ALTER TABLE `orders` ADD `attention` text;