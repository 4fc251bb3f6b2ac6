// The rectification (整改类型, 整改时限) declarations of the 2022 rubrics, applied to
// municipal.json and district.json by item or group id. Every value is modelled (the rubric sets
// no per-item deadline) and says so in its note: documents and plans 限期整改 30 days (the
// ruleset's default), quick fixes 立行立改, facilities and construction 限期整改 in months,
// long-running work and outcomes 长期坚持. Run `node scripts/rectification.mjs` (idempotent)
// after changing a declaration here; the rulesets' own text is otherwise edited by hand.
import { readFileSync, writeFileSync } from 'node:fs';

const M = '模型设定（细则未规定整改时限）：';
const imm = (why) => ({ type: 'immediate', days: 7, note: { zh: M + why } });
const dl = (days, why) => ({ type: 'deadline', days, note: { zh: M + why } });
const ong = (why) => ({ type: 'ongoing', note: { zh: M + why } });

const DEFAULT = dl(30, '文件、方案、台账类问题限期30日整改');
const DECL = {
    '1.1.1': imm('成立领导小组可立即完成'),
    '1.3.1': imm('数据报送可立即补报'),
    '2.3.2': imm('逾期任务立即督办'),
    '2.4.2': imm('台账资料可立即补齐规范'),
    '3.1.2.4.1': dl(30, '消火栓维修'),
    '3.1.2.4.2': dl(365, '老旧管网改造属工程建设，按年度计划完成'),
    '3.1.2.5': dl(365, '消防站建设周期长，限期一年'),
    '3.1.2.5.2': dl(90, '消防通信设施维修更新'),
    '3.1.2.5.3': dl(180, '消防装备采购配备'),
    '3.1.2.6': dl(90, '道路交通安全设施完善'),
    '3.1.2.7': dl(180, '防洪排涝设施建设改造'),
    '3.1.2.8': dl(365, '综合管廊规划建设周期长'),
    '3.1.3.9': ong('高危企业搬迁改造为长期任务，每轮复核进展'),
    '3.1.3.10': dl(180, '淘汰落后工艺设备'),
    '3.2.1.11': dl(90, '危险化学品企业风险管控措施落实'),
    '3.2.1.12': dl(90, '油气长输管道隐患治理'),
    '3.2.1.13': dl(90, '尾矿库、渣土受纳场隐患治理'),
    '3.2.1.14': imm('施工作业违规行为立即纠正'),
    '3.2.2.15': imm('活动安全管理问题立即纠正'),
    '3.2.2.16': dl(60, '“九小”场所消防隐患整治'),
    '3.2.2.17': imm('消防通道堵塞等隐患立即清理'),
    '3.2.2.18': imm('商业综合体消防隐患立即整改'),
    '3.2.3.20': dl(180, '生命线监测设施建设接入'),
    '3.2.3.23': dl(90, '桥梁隧道检测'),
    '3.2.4.26': dl(365, '应急避难场所等设施建设'),
    '3.2.4.27': dl(180, '地质灾害隐患点治理'),
    '3.2.4.28': dl(90, '气象预警设施完善'),
    '3.3.2.33': dl(90, '重大风险监测监控设施接入'),
    '3.3.3.36': dl(180, '执法队伍配备'),
    '3.4.1.37': ong('安全科技创新应用为长期工作'),
    '3.4.1.38': dl(180, '监测预警平台建设'),
    '3.4.2.40': dl(90, '安全生产责任保险投保'),
    '3.4.3.42': dl(90, '网格化管理覆盖'),
    '3.4.4.43': ong('安全公益宣传长期坚持'),
    '3.4.4.44': dl(365, '安全体验基地建设'),
    '3.4.4.45': ong('安全宣传“五进”长期坚持'),
    '3.5.1.46': dl(180, '应急管理信息平台建设'),
    '3.5.1.47': imm('信息报告问题立即纠正'),
    '3.5.2.49': dl(90, '按计划组织应急演练'),
    '3.5.3.50': dl(90, '应急物资补充储备'),
    '3.5.4.51': dl(180, '专业救援队伍建设'),
    '3.6': ong('事故起数、死亡率等安全状况指标为结果，长期坚持，每轮复核'),
};

for (const name of ['district.json', 'municipal.json']) {
  const url = new URL(`../${name}`, import.meta.url);
  const r = JSON.parse(readFileSync(url, 'utf8'));
  // The ruleset's default goes right after rectificationDeadline (a readable diff).
  const out = {};
  for (const [k, v] of Object.entries(r)) {
    if (k === 'rectification') continue;
    out[k] = v;
    if (k === 'rectificationDeadline') out.rectification = DEFAULT;
  }
  const found = new Set();
  const walk = (nodes) => {
    for (const n of nodes) {
      if (DECL[n.id] !== undefined) {
        n.rectification = DECL[n.id];
        found.add(n.id);
      }
      if (n.children) walk(n.children);
    }
  };
  walk(out.tree);
  const missing = Object.keys(DECL).filter((id) => !found.has(id));
  if (missing.length > 0) console.log(`${name} has no ${missing.join(', ')}`);
  writeFileSync(url, JSON.stringify(out, null, 2) + '\n');
}
