export { formatDistance } from '$lib/shelters/words';

