CREATE TABLE `aftersale_cases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_no` text NOT NULL,
	`channel` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`source` text NOT NULL,
	`channel_ref` text,
	`reason` text,
	`buyer_id` text,
	`buyer_phone` text,
	`lines` text NOT NULL,
	`money` text NOT NULL,
	`claimed_by` text,
	`return_waybill` text,
	`return_state` text,
	`received_at` integer,
	`cost_reversed` integer,
	`sla_escalated_at` integer,
	`created_by` text,
	`created_at` integer NOT NULL,
	`touched_at` integer NOT NULL,
	`resolved_at` integer,
	`resolution` text
);
--> statement-breakpoint
CREATE INDEX `aftersale_cases_order_idx` ON `aftersale_cases` (`order_no`);--> statement-breakpoint
CREATE INDEX `aftersale_cases_status_idx` ON `aftersale_cases` (`status`,`touched_at`);--> statement-breakpoint
CREATE INDEX `aftersale_cases_return_waybill_idx` ON `aftersale_cases` (`return_waybill`);--> statement-breakpoint
CREATE UNIQUE INDEX `aftersale_cases_channel_ref_idx` ON `aftersale_cases` (`order_no`,`channel_ref`);--> statement-breakpoint
CREATE TABLE `buyer_freezes` (
	`key` text PRIMARY KEY NOT NULL,
	`reason` text NOT NULL,
	`case_id` integer,
	`frozen_by` text NOT NULL,
	`frozen_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `refund_rows` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`refund_id` integer NOT NULL,
	`order_no` text NOT NULL,
	`line_no` integer,
	`sku` text,
	`qty` integer NOT NULL,
	`component` text NOT NULL,
	`name` text,
	`amount` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `refund_rows_refund_idx` ON `refund_rows` (`refund_id`);--> statement-breakpoint
CREATE INDEX `refund_rows_order_idx` ON `refund_rows` (`order_no`);--> statement-breakpoint
CREATE TABLE `refunds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_id` integer NOT NULL,
	`order_no` text NOT NULL,
	`total` integer NOT NULL,
	`shipping` integer NOT NULL,
	`points_returned` integer NOT NULL,
	`channel_amount` integer,
	`approved_by` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `refunds_case_id_unique` ON `refunds` (`case_id`);--> statement-breakpoint
CREATE INDEX `refunds_order_idx` ON `refunds` (`order_no`);--> statement-breakpoint
CREATE TABLE `return_scans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`order_no` text,
	`case_id` integer,
	`result` text NOT NULL,
	`by` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `return_scans_order_idx` ON `return_scans` (`order_no`);