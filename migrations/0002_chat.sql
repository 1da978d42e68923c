CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`platform` text NOT NULL,
	`user_id` text NOT NULL,
	`role` text,
	`action` text NOT NULL,
	`subject` text,
	`card_id` text,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_subject_idx` ON `audit_log` (`subject`);--> statement-breakpoint
CREATE INDEX `audit_log_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `card_decisions` (
	`card_id` text PRIMARY KEY NOT NULL,
	`action` text NOT NULL,
	`payload` text NOT NULL,
	`platform` text NOT NULL,
	`decided_by` text NOT NULL,
	`decided_by_name` text,
	`outcome` text NOT NULL,
	`decided_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `chat_cards` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`subject` text,
	`card` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `chat_inbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`platform` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`kind` text NOT NULL,
	`user_id` text NOT NULL,
	`conversation_id` text,
	`body` text NOT NULL,
	`received_at` integer NOT NULL,
	`handled_at` integer,
	`error` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `chat_inbox_dedupe_idx` ON `chat_inbox` (`platform`,`dedupe_key`);--> statement-breakpoint
CREATE TABLE `chat_users` (
	`platform` text NOT NULL,
	`user_id` text NOT NULL,
	`role` text NOT NULL,
	`name` text,
	`added_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`platform`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `kb_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`keyword` text NOT NULL,
	`reply` text NOT NULL,
	`updated_by` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `kb_entries_keyword_unique` ON `kb_entries` (`keyword`);--> statement-breakpoint
-- Starter knowledge base: one standard reply per stage a buyer asks about; supervisors edit with 话术 添加.
INSERT INTO `kb_entries` (`keyword`, `reply`, `updated_by`, `updated_at`) VALUES
('已下单', '亲,您的订单 {订单号} 还未付款,付款后我们会尽快为您安排发货哦~', 'seed', 0),
('已付款', '亲,您的订单 {订单号} 已付款成功,仓库正在为您配货,发货后会第一时间通知您~', 'seed', 0),
('已分仓', '亲,您的订单 {订单号} 已分配到仓库,正在拣货打包中,请耐心等待~', 'seed', 0),
('已打包', '亲,您的订单 {订单号} 已打包完成,等待快递揽收,很快就会发出~', 'seed', 0),
('仓库已发出', '亲,您的订单 {订单号} 已从仓库发出,运单号 {运单号},物流信息稍后会更新~', 'seed', 0),
('运输中', '亲,您的包裹正在运输中,最新进度:{物流},请留意查收~', 'seed', 0),
('已签收', '亲,您的包裹已签收,如有任何问题请随时联系我们,祝您生活愉快~', 'seed', 0),
('已完成', '亲,您的订单 {订单号} 已完成,感谢您的支持,期待再次光临~', 'seed', 0),
('已取消', '亲,您的订单 {订单号} 已取消,如已付款,款项会原路退回~', 'seed', 0),
('售后中', '亲,您的售后申请正在处理中,我们会在 72 小时内给您答复~', 'seed', 0),
('已退款', '亲,您的退款已处理,款项会在 1-3 个工作日内原路退回~', 'seed', 0),
('已关闭', '亲,您的订单 {订单号} 已关闭,如有疑问请随时联系我们~', 'seed', 0),
('催发货', '亲,非常抱歉让您久等了,已为您加急催促仓库,订单 {订单号} 会尽快发出~', 'seed', 0);
