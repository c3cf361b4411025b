/** The national short numbers (free of charge); labels are i18n keys `emergency.number_<n>`. */
export const URGENT_NUMBERS = ['110', '119', '120'] as const;
export const ALL_NUMBERS = ['110', '119', '120', '122', '12345', '12350', '12119', '12395'] as const;
