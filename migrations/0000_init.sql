CREATE TABLE `addresses` (
	`order_no` text PRIMARY KEY NOT NULL,
	`name` text,
	`phone` text,
	`province` text,
	`city` text,
	`district` text,
	`detail` text
);
--> statement-breakpoint
CREATE TABLE `anchor_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_no` text NOT NULL,
	`from_anchor` text,
	`to_anchor` text NOT NULL,
	`event_id` integer,
	`rule_id` text,
	`changed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `anchor_changes_order_idx` ON `anchor_changes` (`order_no`);--> statement-breakpoint
CREATE TABLE `buyers` (
	`id` text PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`external_id` text NOT NULL,
	`nick` text,
	`phone` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `buyers_phone_idx` ON `buyers` (`phone`);--> statement-breakpoint
CREATE TABLE `inbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source` text NOT NULL,
	`kind` text,
	`received_at` integer NOT NULL,
	`headers` text NOT NULL,
	`body` blob,
	`body_size` integer NOT NULL,
	`body_hash` text,
	`dedupe_key` text,
	`status` text NOT NULL,
	`reject_reason` text,
	`error` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`processed_at` integer,
	`duplicate_of` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbox_dedupe_idx` ON `inbox` (`source`,`dedupe_key`);--> statement-breakpoint
CREATE INDEX `inbox_status_idx` ON `inbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `inbox_source_received_idx` ON `inbox` (`source`,`received_at`);--> statement-breakpoint
CREATE TABLE `order_discounts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_no` text NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`amount` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `order_discounts_order_idx` ON `order_discounts` (`order_no`);--> statement-breakpoint
CREATE TABLE `order_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_no` text NOT NULL,
	`source` text NOT NULL,
	`kind` text NOT NULL,
	`source_event_id` text NOT NULL,
	`inbox_id` integer,
	`event_time` integer NOT NULL,
	`received_at` integer NOT NULL,
	`raw_status` text,
	`fields` text NOT NULL,
	`effects` text NOT NULL,
	`flag` text,
	`anchor_before` text,
	`anchor_after` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `order_events_source_event_idx` ON `order_events` (`source`,`source_event_id`);--> statement-breakpoint
CREATE INDEX `order_events_order_idx` ON `order_events` (`order_no`,`event_time`);--> statement-breakpoint
CREATE TABLE `order_lines` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_no` text NOT NULL,
	`line_no` integer NOT NULL,
	`sku` text NOT NULL,
	`name` text,
	`qty` integer NOT NULL,
	`unit_price` integer NOT NULL,
	`amount` integer,
	`promo_tag` text
);
--> statement-breakpoint
CREATE INDEX `order_lines_order_idx` ON `order_lines` (`order_no`);--> statement-breakpoint
CREATE INDEX `order_lines_sku_idx` ON `order_lines` (`sku`);--> statement-breakpoint
CREATE TABLE `orders` (
	`order_no` text PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`status_anchor` text NOT NULL,
	`anchor_rule_id` text,
	`anchor_event_id` integer,
	`anchor_changed_at` integer,
	`buyer_id` text,
	`buyer_phone` text,
	`currency` text DEFAULT 'CNY' NOT NULL,
	`order_amount` integer,
	`shipping_fee` integer,
	`shipping_borne_by` text,
	`discount_total` integer,
	`actual_paid` integer,
	`snapshot_event_time` integer,
	`created_at` integer NOT NULL,
	`paid_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `orders_buyer_phone_idx` ON `orders` (`buyer_phone`);--> statement-breakpoint
CREATE INDEX `orders_updated_at_idx` ON `orders` (`updated_at`);--> statement-breakpoint
CREATE INDEX `orders_anchor_idx` ON `orders` (`status_anchor`);--> statement-breakpoint
CREATE TABLE `shipments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_no` text NOT NULL,
	`waybill_no` text NOT NULL,
	`carrier` text,
	`state` text,
	`last_node_text` text,
	`last_node_at` integer,
	`last_node_area` text,
	`picked_up_at` integer,
	`signed_at` integer,
	`event_time` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `shipments_waybill_idx` ON `shipments` (`waybill_no`);--> statement-breakpoint
CREATE INDEX `shipments_order_idx` ON `shipments` (`order_no`);--> statement-breakpoint
CREATE TABLE `source_statuses` (
	`order_no` text NOT NULL,
	`source` text NOT NULL,
	`raw_status` text,
	`fields` text NOT NULL,
	`event_time` integer NOT NULL,
	`event_id` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`order_no`, `source`)
);
