import { makeT } from '$lib/i18n';
import type { LayoutLoad } from './$types';

export const load: LayoutLoad = ({ data }) => ({ ...data, t: makeT(data.lang, data.messages) });
