import { join } from 'node:path';
import { CliInputError } from '../cli.context';
import { resolveProfile } from './profile.resolver';
import { CliFilesFixture, urlsAt } from './testing/cli-files.fixture';

describe('resolveProfile', () => {
  let files: CliFilesFixture;
  /** An environment without a real home, so a user's own profiles never count. */
  let env: Record<string, string>;

  beforeEach(() => {
    files = new CliFilesFixture();
    env = { HOME: join(files.dir, 'home') };
  });
  afterEach(() => files.remove());

  const inputError = (run: () => unknown): CliInputError => {
    try {
      run();
    } catch (error) {
      if (error instanceof CliInputError) return error;
      throw error;
    }
    throw new Error('expected a CliInputError');
  };

  describe('from the local network file', () => {
    it('picks a department by --dept with the token of its token file', () => {
      const dataDir = files.network('.accord', [
        { id: 'health', urls: urlsAt(7110), token: 'health-secret' },
        { id: 'transport', urls: urlsAt(7120), token: 'transport-secret' },
      ]);
      const profile = resolveProfile({ dept: 'transport', dataDir }, env);
      expect(profile).toMatchObject({
        name: 'transport',
        department: 'transport',
        urls: urlsAt(7120),
        token: 'transport-secret',
        tokenSource: join(dataDir, 'transport', 'secrets', 'dev-api-token'),
        origin: { kind: 'network', dataDir, channel: 'alliance' },
      });
    });

    it('reads the data dir from ACCORD_DATA_DIR and the department from ACCORD_DEPT', () => {
      const dataDir = files.network('net', [
        { id: 'health', urls: urlsAt(7110), token: 'h' },
        { id: 'transport', urls: urlsAt(7120), token: 't' },
      ]);
      expect(resolveProfile({}, { ...env, ACCORD_DATA_DIR: dataDir, ACCORD_DEPT: 'health' }).name).toBe('health');
    });

    it('needs no --dept when only one department is known', () => {
      const dataDir = files.network('.accord', [{ id: 'health', urls: urlsAt(7110), token: 'h' }]);
      expect(resolveProfile({ dataDir }, env).department).toBe('health');
    });

    it('asks for --dept when several are known, naming them', () => {
      const dataDir = files.network('.accord', [
        { id: 'health', urls: urlsAt(7110), token: 'h' },
        { id: 'transport', urls: urlsAt(7120), token: 't' },
      ]);
      const error = inputError(() => resolveProfile({ dataDir }, env));
      expect(error.message).toBe('several departments are known (health, transport)');
      expect(error.next).toContain('--dept');
    });

    it('names the known departments when the one asked for is unknown', () => {
      const dataDir = files.network('.accord', [{ id: 'health', urls: urlsAt(7110), token: 'h' }]);
      const error = inputError(() => resolveProfile({ dataDir, dept: 'finance' }, env));
      expect(error.message).toBe('unknown department "finance" (known: health)');
      expect(error.next).toContain('accord profile add finance');
    });

    it('says how to start a network when nothing is known', () => {
      const error = inputError(() => resolveProfile({ dataDir: join(files.dir, 'empty') }, env));
      expect(error.message).toMatch(/^no department known/);
      expect(error.next).toContain('accord up');
    });

    it('refuses a network file of another version', () => {
      const dataDir = join(files.dir, 'old');
      files.write('old/network.json', { version: 2, channel: 'alliance', departments: [] });
      expect(inputError(() => resolveProfile({ dataDir }, env)).message).toContain(
        'incompatible version of Accord (network file version 2',
      );
    });
  });

  describe('from the profiles file', () => {
    it('reads --profiles first, matching a profile name or a department id, with a token file relative to it', () => {
      files.write('conf/health.token', 'from-file\n');
      const profilesFile = files.write('conf/profiles.json', {
        'health-prod': { department: 'health', urls: urlsAt(8110), tokenFile: 'health.token' },
        lab: { department: 'lab', urls: urlsAt(8120), token: 'inline' },
        'finance-prod': { department: 'finance', urls: urlsAt(8130) },
      });
      const dataDir = files.network('.accord', [{ id: 'health', urls: urlsAt(7110), token: 'local' }]);
      expect(resolveProfile({ profiles: profilesFile, dataDir, dept: 'health-prod' }, env)).toMatchObject({
        name: 'health-prod',
        urls: urlsAt(8110),
        token: 'from-file',
        origin: { kind: 'profiles', path: profilesFile },
      });
      // Names before department ids: `health` is the local network's department of that name.
      expect(resolveProfile({ profiles: profilesFile, dataDir, dept: 'health' }, env).name).toBe('health');
      expect(resolveProfile({ profiles: profilesFile, dataDir, dept: 'finance' }, env).name).toBe('finance-prod');
      expect(resolveProfile({ profiles: profilesFile, dataDir, dept: 'lab' }, env)).toMatchObject({
        token: 'inline',
        tokenSource: 'profile lab',
      });
    });

    it('uses ACCORD_PROFILES, then ~/.config/accord/profiles.json', () => {
      const viaEnv = files.write('env-profiles.json', { a: { department: 'a', urls: urlsAt(8110) } });
      expect(resolveProfile({}, { ...env, ACCORD_PROFILES: viaEnv }).name).toBe('a');
      files.write('home/.config/accord/profiles.json', { b: { department: 'b', urls: urlsAt(8120) } });
      expect(resolveProfile({ dataDir: join(files.dir, 'none') }, env).name).toBe('b');
    });

    it('refuses an explicit profiles file that does not exist', () => {
      const error = inputError(() => resolveProfile({ profiles: join(files.dir, 'missing.json') }, env));
      expect(error.message).toMatch(/^no profiles file at /);
    });

    it('names the profile and field of a malformed entry', () => {
      const path = files.write('bad.json', { prod: { department: 'health', urls: { ledger: 'ftp://x' } } });
      expect(inputError(() => resolveProfile({ profiles: path }, env)).message).toBe(
        `the profiles file ${path}: profile prod: urls.ledger must be an http(s) URL`,
      );
    });

    it('strips trailing slashes from URLs', () => {
      const urls = { ...urlsAt(8110), ledger: 'http://127.0.0.1:8110/' };
      const path = files.write('slash.json', { a: { department: 'a', urls } });
      expect(resolveProfile({ profiles: path }, env).urls.ledger).toBe('http://127.0.0.1:8110');
    });
  });

  describe('the token', () => {
    const oneDepartment = () => files.network('.accord', [{ id: 'health', urls: urlsAt(7110), token: 'file-token' }]);

    it('is --token, then ACCORD_TOKEN, then the profile', () => {
      const dataDir = oneDepartment();
      expect(resolveProfile({ dataDir, token: 'flag' }, { ...env, ACCORD_TOKEN: 'env' })).toMatchObject({
        token: 'flag',
        tokenSource: '--token',
      });
      expect(resolveProfile({ dataDir }, { ...env, ACCORD_TOKEN: 'env' })).toMatchObject({
        token: 'env',
        tokenSource: 'ACCORD_TOKEN',
      });
      expect(resolveProfile({ dataDir }, env).token).toBe('file-token');
    });

    it('names the unreadable token file and how to pass a token instead', () => {
      const path = files.write('p.json', {
        a: { department: 'a', urls: urlsAt(8110), tokenFile: '/nonexistent/token' },
      });
      const error = inputError(() => resolveProfile({ profiles: path }, env));
      expect(error.message).toMatch(/^cannot read the token file \/nonexistent\/token of a: /);
      expect(error.next).toContain('--token');
    });

    it('may be absent (the services answer 401)', () => {
      const path = files.write('p.json', { a: { department: 'a', urls: urlsAt(8110) } });
      expect(resolveProfile({ profiles: path }, env)).toMatchObject({ token: undefined, tokenSource: 'none' });
    });
  });
});
