/**
 * The baseline: a plain Node HTTP server answering every request with the same bytes
 * and headers a page of the app answered with (argv: port, body file, headers JSON).
 */
import fs from 'node:fs';
import http from 'node:http';

const [port, bodyFile, headersJson] = process.argv.slice(2);
const body = fs.readFileSync(bodyFile);
const headers = { ...JSON.parse(headersJson), 'content-length': String(body.length) };
http
	.createServer((_request, response) => {
		response.writeHead(200, headers);
		response.end(body);
	})
	.listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
