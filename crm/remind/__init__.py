"""Channels of `crm remind` (crm.services.reminders decides what is due, for whom, and what was sent):
e-mail over SMTP (mail), the group robots of 企业微信 (wecom), 钉钉 (dingtalk) and 飞书 (feishu), standard
output (stdout); their settings (config); how a digest reads (message); a run from settings to outcomes
(runner)."""
