// The release checks (rulesets/release-check.ts): before its first release, each patch's version
// must be bumped over the 2022 edition it extends as much as the changes need (here major: an
// item is retired and one renumbered), and the package version is the rulesets' version.
import { releaseChecks } from '../../release-check.js';
import { bases } from '../src/index.js';
import district from '../district.json' with { type: 'json' };
import municipal from '../municipal.json' with { type: 'json' };

releaseChecks({ packageUrl: new URL('../', import.meta.url), rulesets: { 'district.json': district, 'municipal.json': municipal }, bases });
