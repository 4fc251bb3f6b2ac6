// The release checks (rulesets/release-check.ts): the version follows what changed since the
// version kept under released/, and the package version is the rulesets' version (the city's
// own rubric included: it is new in 2.0.0, so nothing came before it).
import { releaseChecks } from '../../release-check.js';
import city from '../city.json' with { type: 'json' };
import district from '../district.json' with { type: 'json' };
import municipal from '../municipal.json' with { type: 'json' };

releaseChecks({ packageUrl: new URL('../', import.meta.url), rulesets: { 'district.json': district, 'municipal.json': municipal, 'city.json': city } });
