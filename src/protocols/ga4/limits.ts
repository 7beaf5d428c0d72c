/**
 * GA4 Measurement Protocol rules, kept as data. Sources: Google's MP reference, "Sending
 * events" and the GA4 collection-limits article (see ../shared/notes/protocols.md, 1.5-1.8).
 */
export const GA4_LIMITS = {
  maxEventsPerRequest: 25,
  maxParamsPerEvent: 25,
  maxUserProperties: 25,
  maxBodyBytes: 130_000,
  maxNameChars: 40,
  maxUserPropertyNameChars: 24,
  maxUserPropertyValueChars: 36,
  maxParamValueChars: 100,
  maxUserIdChars: 256,
  maxItemParams: 27,
  /** Timestamps must fall within the last 72 hours (ENFORCE_RECOMMENDATIONS rejects older ones). */
  maxAgeMs: 72 * 60 * 60 * 1000,
  /** Tolerance for clocks ahead of the validator's. */
  maxFutureSkewMs: 15 * 60 * 1000,
} as const;

/** Parameters allowed longer values than `maxParamValueChars`. */
export const GA4_LONG_PARAMS: Readonly<Record<string, number>> = {
  page_location: 1000,
  page_referrer: 420,
  page_title: 300,
};

export const GA4_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;

export const GA4_RESERVED_EVENT_NAMES: ReadonlySet<string> = new Set([
  'ad_activeview', 'ad_click', 'ad_exposure', 'ad_query', 'ad_reward', 'adunit_exposure',
  'app_clear_data', 'app_exception', 'app_install', 'app_remove', 'app_store_refund',
  'app_update', 'app_upgrade', 'dynamic_link_app_open', 'dynamic_link_app_update',
  'dynamic_link_first_open', 'error', 'firebase_campaign', 'firebase_in_app_message_action',
  'firebase_in_app_message_dismiss', 'firebase_in_app_message_impression', 'first_open',
  'first_visit', 'notification_dismiss', 'notification_foreground', 'notification_open',
  'notification_receive', 'notification_send', 'os_update', 'session_start', 'user_engagement',
]);

/** Reserved for web streams (those identified by `client_id`). */
export const GA4_RESERVED_WEB_EVENT_NAMES: ReadonlySet<string> = new Set(['ad_impression', 'screen_view']);

export const GA4_RESERVED_PARAM_NAMES: ReadonlySet<string> = new Set(['firebase_conversion']);
export const GA4_RESERVED_PARAM_PREFIXES = ['_', 'firebase_', 'ga_', 'google_', 'gtag.'] as const;

export const GA4_RESERVED_USER_PROPERTY_NAMES: ReadonlySet<string> = new Set([
  'first_open_time', 'first_visit_time', 'last_deep_link_referrer', 'user_id', 'first_open_after_install',
]);
export const GA4_RESERVED_USER_PROPERTY_PREFIXES = ['_', 'firebase_', 'ga_', 'google_'] as const;

export const GA4_VALIDATION_CODES = [
  'VALUE_INVALID',
  'VALUE_REQUIRED',
  'NAME_INVALID',
  'NAME_RESERVED',
  'VALUE_OUT_OF_BOUNDS',
  'EXCEEDED_MAX_ENTITIES',
  'NAME_DUPLICATED',
] as const;

export type Ga4ValidationCode = (typeof GA4_VALIDATION_CODES)[number];

/** Known top-level keys of an MP request body. */
export const GA4_TOP_LEVEL_KEYS: ReadonlySet<string> = new Set([
  'client_id', 'app_instance_id', 'user_id', 'timestamp_micros', 'user_properties', 'user_data',
  'consent', 'non_personalized_ads', 'user_location', 'ip_override', 'device', 'user_agent',
  'validation_behavior', 'events',
]);
