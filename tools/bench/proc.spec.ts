import { cpuSecondsFromStat, processUsage, statusMebibytes } from './proc';

describe('cpuSecondsFromStat', () => {
  it('adds utime and stime (fields 14 and 15), in clock ticks', () => {
    const stat = '4242 (node) S 1 4242 4242 0 -1 4194560 9000 0 0 0 250 50 0 0 20 0 11 0 100 1000 2000';

    expect(cpuSecondsFromStat(stat, 100)).toBe(3);
  });

  it('counts fields after the last parenthesis, so a command name with spaces and parentheses is no trouble', () => {
    const stat = '7 (a b) (c)) R 1 7 7 0 -1 0 0 0 0 0 120 30 0 0 20 0 1 0 5 6 7';

    expect(cpuSecondsFromStat(stat, 100)).toBe(1.5);
  });

  it('throws on text that is not a stat line', () => {
    expect(() => cpuSecondsFromStat('nonsense')).toThrow('unreadable /proc stat');
  });
});

describe('statusMebibytes', () => {
  const status = 'Name:\tnode\nVmPeak:\t 2000000 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n';

  it('reads VmHWM and VmRSS in MiB', () => {
    expect([statusMebibytes(status, 'VmHWM'), statusMebibytes(status, 'VmRSS')]).toEqual([200, 100]);
  });

  it('throws when the field is missing', () => {
    expect(() => statusMebibytes('Name:\tnode\n', 'VmHWM')).toThrow('no VmHWM');
  });
});

describe(processUsage.name, () => {
  it('reads this process: CPU time spent so far and a peak RSS at least its current RSS', () => {
    const usage = processUsage(process.pid);

    expect(usage.cpuSeconds).toBeGreaterThan(0);
    expect(usage.rssMb).toBeGreaterThan(1);
    expect(usage.peakRssMb).toBeGreaterThanOrEqual(usage.rssMb);
  });
});
