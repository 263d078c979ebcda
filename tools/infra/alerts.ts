// The Prometheus alerting rules (docker/prometheus/alerts.yml): their PromQL, and the metrics they read from the apps.
// Used by alerts.spec.ts and by the end-to-end test that scrapes the running apps' /metrics.
import { join } from 'node:path';
import { appMetricNames } from './dashboard';
import { ROOT, readYaml } from './stack';

export const ALERT_RULES = join(ROOT, 'docker', 'prometheus', 'alerts.yml');

export type AlertRule = {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
};
export type RuleFile = { groups: { name: string; rules: AlertRule[] }[] };

export function loadAlertRules(path: string = ALERT_RULES): RuleFile {
  return readYaml<RuleFile>(path);
}

/** Every rule of every group. */
export function alertRules(file: RuleFile = loadAlertRules()): AlertRule[] {
  return file.groups.flatMap((group) => group.rules);
}

/** The distinct metrics the rules read from the apps, as base names, sorted (see dashboardMetricNames). */
export function alertMetricNames(path: string = ALERT_RULES): string[] {
  return appMetricNames(alertRules(loadAlertRules(path)).map(({ expr }) => expr));
}
