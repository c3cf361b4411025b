import { describe, expect, it } from 'vitest';
import { emergencyNumbers } from './emergency';

describe('emergencies first', () => {
	it('says call 119 for fire, people trapped or a gas smell, in either language', () => {
		expect(emergencyNumbers('other', 'Smoke and flames from the shed')).toContain('119');
		expect(emergencyNumbers('other', 'Someone is TRAPPED in the lift')).toContain('119');
		expect(emergencyNumbers('road_bridge', '\u697c\u9053\u91cc\u6709\u7164\u6c14\u5473')).toContain('119');
		expect(emergencyNumbers('other', 'A man is bleeding by the road')).toEqual(['120']);
	});
	it('says so for urgent categories even without words', () => {
		expect(emergencyNumbers('gas', '')).toEqual(['119']);
	});
	it('stays quiet for an ordinary hazard', () => {
		expect(emergencyNumbers('road_bridge', 'A pothole on the bridge, about 40 cm wide')).toEqual([]);
		expect(emergencyNumbers(null, null)).toEqual([]);
	});
});
