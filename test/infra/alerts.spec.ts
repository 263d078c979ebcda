// docker/prometheus/alerts.yml is well formed, loaded by Prometheus, and every alert has a promtool unit test that makes
// it fire (docker/prometheus/alerts.test.yml). promtool runs those tests in .ci/run, and `npm run test:prometheus`
// evaluates the rules against the running apps; here `npm test` checks, with Node alone, that nothing is left untested.
import { join } from 'node:path';
import { PROMETHEUS_CONFIG, ROOT, loadCompose, mountedAt, readYaml } from './stack-files';

type AlertRule = { alert?: string; expr: string; for?: string; labels?: Record<string, string> };
type RuleTest = { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] };

const ALERT_RULES = join(ROOT, 'docker', 'prometheus', 'alerts.yml');
const RULE_TESTS = join(ROOT, 'docker', 'prometheus', 'alerts.test.yml');
const rules = readYaml<{ groups: { name: string; rules: (AlertRule & { annotations?: { summary?: string } })[] }[] }>(
  ALERT_RULES,
).groups.flatMap((group) => group.rules);

describe('the alerting rules', () => {
  it('are alerts with a unique name, a duration, a severity and a summary', () => {
    expect(rules.length).toBeGreaterThan(0);
    const names = rules.map((rule) => rule.alert);
    expect(new Set(names).size).toBe(names.length);
    for (const rule of rules) {
      expect({ alert: rule.alert, expr: typeof rule.expr }).toEqual({ alert: expect.any(String), expr: 'string' });
      expect({ alert: rule.alert, for: rule.for }).toEqual({
        alert: rule.alert,
        for: expect.stringMatching(/^\d+[smh]$/),
      });
      expect({ alert: rule.alert, severity: rule.labels?.severity }).toEqual({
        alert: rule.alert,
        severity: expect.stringMatching(/^(critical|warning)$/),
      });
      expect(rule.annotations?.summary).toEqual(expect.any(String));
    }
  });

  it('each have a promtool test in which they fire', () => {
    const { rule_files: ruleFiles = [], tests = [] } = readYaml<{ rule_files?: string[]; tests?: RuleTest[] }>(
      RULE_TESTS,
    );
    expect(ruleFiles.map((file) => join(RULE_TESTS, '..', file))).toEqual([ALERT_RULES]);
    const firing = new Set(
      tests.flatMap((test) =>
        (test.alert_rule_test ?? []).filter((each) => (each.exp_alerts ?? []).length > 0).map((each) => each.alertname),
      ),
    );
    expect(rules.map((rule) => rule.alert).filter((alert) => !firing.has(alert!))).toEqual([]);
  });

  it('are loaded by Prometheus: listed in rule_files, at the path compose mounts this file', () => {
    const config = readYaml<{ rule_files?: string[] }>(PROMETHEUS_CONFIG);
    const prometheus = loadCompose().services.prometheus;
    const mounted = (config.rule_files ?? []).map((path) => mountedAt(prometheus, path));
    expect(mounted).toContain(ALERT_RULES);
  });
});
