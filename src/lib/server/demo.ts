/** The embedded default's demo admin; the README states these credentials. Never created with DATABASE_URL. */
export const DEMO_ADMIN = {
	email: 'admin@demo.safe-miyun.cn',
	password: 'miyun-demo-admin',
	role: 'admin',
	departmentCode: 'emergency',
	displayName: '演示管理员 Demo admin'
} as const;
