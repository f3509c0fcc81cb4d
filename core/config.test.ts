import { describe, expect, it } from 'vitest';
import { ConfigError, isEmbedded, loadConfig, shouldStartWorkers } from './config.ts';

describe('loadConfig', () => {
  it('runs embedded with no variables at all', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, DATA_DIR: './data', LOG_LEVEL: 'info' });
    expect(isEmbedded(c)).toBe(true);
    expect(shouldStartWorkers(c)).toBe(true);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reports every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: '-1', REDIS_URL: 'nope', BOT_ANSWER_THRESHOLD: '2', SESSION_SECRET: 'short' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'REDIS_URL', 'BOT_ANSWER_THRESHOLD', 'SESSION_SECRET']) expect(problems).toContain(`${name}=`);
    expect((error as ConfigError).message).toMatch(/4 setting\(s\) need fixing/);
  });

  it('treats empty strings as unset and runs workers separately on a server database', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u@h/db', REDIS_URL: '', PORT: '' });
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.PORT).toBe(3000);
    expect(shouldStartWorkers(c)).toBe(false);
    expect(shouldStartWorkers(loadConfig({ DATABASE_URL: 'postgres://u@h/db', START_WORKERS: 'true' }))).toBe(true);
  });
});
