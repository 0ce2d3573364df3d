package account

import "linli/internal/platform/i18n"

// Messages are this package's texts.
var Messages = i18n.Messages{
	"users.new":             {i18n.ZH: "新建用户", i18n.EN: "New user"},
	"users.username":        {i18n.ZH: "用户名", i18n.EN: "Username"},
	"users.display_name":    {i18n.ZH: "姓名", i18n.EN: "Display name"},
	"users.role":            {i18n.ZH: "角色", i18n.EN: "Role"},
	"users.scope_code":      {i18n.ZH: "管辖范围（区划代码）", i18n.EN: "Scope (division code)"},
	"users.scope_hint":      {i18n.ZH: "市 4 位、区 6 位、街道 9 位、社区 12 位。", i18n.EN: "4 digits for a city, 6 a district, 9 a street, 12 a community."},
	"users.org_id":          {i18n.ZH: "所属组织编号（组织负责人、枢纽工作人员）", i18n.EN: "Organization id (leaders, hub staff)"},
	"users.password":        {i18n.ZH: "初始密码", i18n.EN: "Initial password"},
	"users.status":          {i18n.ZH: "状态", i18n.EN: "Status"},
	"users.enabled":         {i18n.ZH: "正常", i18n.EN: "Enabled"},
	"users.disabled":        {i18n.ZH: "已停用", i18n.EN: "Disabled"},
	"users.disable":         {i18n.ZH: "停用", i18n.EN: "Disable"},
	"users.enable":          {i18n.ZH: "启用", i18n.EN: "Enable"},
	"users.set_password":    {i18n.ZH: "重设密码", i18n.EN: "Set password"},
	"users.new_password":    {i18n.ZH: "新密码", i18n.EN: "New password"},
	"users.none":            {i18n.ZH: "暂无用户。", i18n.EN: "No users yet."},
	"tokens.intro":          {i18n.ZH: "API 令牌供其他系统以 “Authorization: Bearer 令牌” 调用接口，权限与您的账户相同。令牌只在创建时显示一次。", i18n.EN: "API tokens let other systems call the API with “Authorization: Bearer TOKEN”, with your account's rights. A token is shown once, when created."},
	"tokens.name":           {i18n.ZH: "用途说明", i18n.EN: "What it is for"},
	"tokens.create":         {i18n.ZH: "创建令牌", i18n.EN: "Create token"},
	"tokens.new":            {i18n.ZH: "新令牌（请立即复制，离开本页后无法再次查看）：", i18n.EN: "New token (copy it now; it will not be shown again):"},
	"tokens.prefix":         {i18n.ZH: "前缀", i18n.EN: "Prefix"},
	"tokens.created":        {i18n.ZH: "创建时间", i18n.EN: "Created"},
	"tokens.last_used":      {i18n.ZH: "最近使用", i18n.EN: "Last used"},
	"tokens.revoked":        {i18n.ZH: "已撤销", i18n.EN: "Revoked"},
	"tokens.revoke":         {i18n.ZH: "撤销", i18n.EN: "Revoke"},
	"users.confirm_disable": {i18n.ZH: "停用账户“%s”后，该账户将无法登录，其会话立即失效。确认停用？", i18n.EN: "Disable “%s”? The account can no longer sign in and its sessions end now."},
	"tokens.confirm":        {i18n.ZH: "确定撤销该令牌？", i18n.EN: "Revoke this token?"},
	"tokens.none":           {i18n.ZH: "还没有令牌。", i18n.EN: "No tokens yet."},
}
