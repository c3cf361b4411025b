/** Photo handling of a hazard report: a 12 MP phone JPEG re-encoded as the server does. Run: npx tsx scripts/bench/report-photos.ts */
import sharp from 'sharp';
import { processPhoto } from '../../src/lib/server/reports/photos';
const input = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 12 } } }).jpeg({ quality: 90 }).toBuffer();
await processPhoto(input);
const n = 5; const t0 = performance.now();
let out = 0;
for (let i = 0; i < n; i++) out = (await processPhoto(input)).bytes.length;
console.log(`12 MP JPEG in ${(input.length / 1e6).toFixed(1)} MB -> ${(out / 1e3).toFixed(0)} KB, ${((performance.now() - t0) / n).toFixed(0)} ms per photo`);
