"""Generate the shipped demo bundles (``*.json``) and their ``README.md`` from this file.

The data is written out by hand below, so it can be reviewed as code; nothing is random.
Run from the repository root::

    python -m graphsvc.application.demo.build_demo

Two fictional projects, seen on the scenario date ``TODAY`` (2026-11-22):

* ``property_development.json``: 云庭·滨江综合体, a residential + commercial complex in
  Hangzhou's Binjiang district, with 20+ organisations and 50+ contacts.
* ``software_product.json``: FieldOps 3.0, a field-service app built by the internal
  departments of a software company with two outside vendors.

Each project plants the failures graphsvc is meant to detect (see ``PROBLEMS`` and the
generated README). Every name, phone number, e-mail domain and company is invented.
"""

from __future__ import annotations

import json
from collections import Counter
import sys
from pathlib import Path
from typing import Any

from graphsvc.analysis.findings import Severity, present, project_findings
from graphsvc.analysis.view import build_view
from graphsvc.application.demo import SCENARIO_DAY
from graphsvc.domain.bundle import parse_bundle
from graphsvc.support.i18n import use_language

HERE = Path(__file__).resolve().parent
TODAY = SCENARIO_DAY.isoformat()
ARRAYS = (
    "organizations",
    "contacts",
    "contact_history",
    "projects",
    "stages",
    "responsibilities",
    "assignments",
    "links",
    "interactions",
)


class Builder:
    """Collects the rows of one bundle; ids of numbered rows use ``prefix``."""

    def __init__(self, prefix: str, project_id: str):
        self.prefix = prefix
        self.project_id = project_id
        self.rows: dict[str, list[dict[str, Any]]] = {kind: [] for kind in ARRAYS}
        self.stage_start: dict[str, str] = {}
        self.stage_status: dict[str, str] = {}
        self.problems: list[tuple[str, list[str], tuple[str, ...]]] = []
        self._counters: dict[str, int] = {}
        self._emails: dict[str, str] = {}

    def _next(self, letter: str) -> str:
        self._counters[letter] = self._counters.get(letter, 0) + 1
        return f"{self.prefix}-{letter}-{self._counters[letter]:03d}"

    # -- organisations and people -------------------------------------------------------

    def org(self, id: str, name: str, kind: str, domain: str, notes: str = "") -> str:
        row: dict[str, Any] = {"id": id, "name": name, "kind": kind}
        if notes:
            row["notes"] = notes
        self.rows["organizations"].append(row)
        self._emails[id] = domain
        return id

    def person(
        self,
        id: str,
        name: str,
        org: str | None,
        title: str,
        phone: str,
        channel: str,
        *,
        mailbox: str | None = "",
        lang: str = "zh",
        tag: str = "",
        status: str = "active",
        since: str | None = None,
        notes: str = "",
    ) -> str:
        """``mailbox`` is the local part of the e-mail (default: the id without ``c-``)."""
        row: dict[str, Any] = {"id": id, "name": name}
        if org:
            row["org"] = org
        if title:
            row["title"] = title
        if status != "active":
            row["status"] = status
        if since:
            row["since"] = since
        if mailbox is not None and org:
            local = mailbox or id.removeprefix("c-").replace("-", "")
            row["emails"] = [f"{local}@{self._emails[org]}"]
        row["phones"] = [phone]
        if channel:
            row["preferred_channel"] = channel
        row["language"] = lang
        if tag:
            row["tags"] = [tag]
        if notes:
            row["notes"] = notes
        self.rows["contacts"].append(row)
        return id

    def history(
        self, contact: str, org: str | None, title: str, valid_from: str | None, valid_to: str,
        status: str = "active",
    ) -> str:
        row: dict[str, Any] = {"id": self._next("h"), "contact": contact}
        if org:
            row["org"] = org
        row["title"] = title
        if status != "active":
            row["status"] = status
        if valid_from:
            row["valid_from"] = valid_from
        row["valid_to"] = valid_to
        self.rows["contact_history"].append(row)
        return str(row["id"])

    # -- project structure --------------------------------------------------------------

    def project(self, name: str, description: str, parts: list[tuple[str, ...]]) -> None:
        organizations = []
        for org, role, valid_from, *rest in parts:
            part = {"org": org, "role": role, "valid_from": valid_from}
            if rest:
                part["valid_to"] = rest[0]
            organizations.append(part)
        self.rows["projects"].append(
            {"id": self.project_id, "name": name, "description": description,
             "organizations": organizations}
        )

    def stage(self, id: str, name: str, order: int, status: str, start: str, end: str) -> str:
        self.rows["stages"].append(
            {"id": id, "project": self.project_id, "name": name, "order": order,
             "status": status, "start": start, "end": end}
        )
        self.stage_start[id] = start
        self.stage_status[id] = status
        return id

    def duty(self, id: str, stage: str, name: str, description: str, planned: str, **raci: str | list[str]) -> str:
        """A responsibility and its RACI assignments.

        ``raci`` maps a letter to a contact id or a list of them. Assignments start with
        the stage for stages already under way, else on the ``planned`` date (when the
        RACI chart of that later stage was drawn up), so they hold on ``TODAY``.
        """
        self.rows["responsibilities"].append(
            {"id": id, "stage": stage, "name": name, "description": description}
        )
        valid_from = planned if self.stage_status[stage] == "planned" else self.stage_start[stage]
        for letter in "RACI":
            people = raci.get(letter, [])
            for contact in [people] if isinstance(people, str) else people:
                self.assign(contact, id, letter, valid_from)
        return id

    def assign(
        self, contact: str, responsibility: str, raci: str, valid_from: str | None = None,
        valid_to: str | None = None,
    ) -> str:
        row: dict[str, Any] = {"id": self._next("a"), "contact": contact,
                               "responsibility": responsibility, "raci": raci}
        if valid_from:
            row["valid_from"] = valid_from
        if valid_to:
            row["valid_to"] = valid_to
        self.rows["assignments"].append(row)
        return str(row["id"])

    def find_assignment(self, contact: str, responsibility: str, raci: str = "A") -> str:
        for row in self.rows["assignments"]:
            if (row["contact"], row["responsibility"], row["raci"]) == (contact, responsibility, raci):
                return str(row["id"])
        raise KeyError((contact, responsibility, raci))

    # -- links and interactions ---------------------------------------------------------

    def talks(self, source: str, target: str, last_contact: str, weight: int, channel: str) -> str:
        row = {"id": self._next("l"), "source": source, "target": target,
               "kind": "communicates", "last_contact": last_contact, "weight": weight,
               "channel": channel}
        self.rows["links"].append(row)
        return str(row["id"])

    def reports(self, source: str, target: str) -> str:
        row = {"id": self._next("l"), "source": source, "target": target, "kind": "reports_to"}
        self.rows["links"].append(row)
        return str(row["id"])

    def backup(self, source: str, target: str, valid_from: str | None = None) -> str:
        """``source`` stands in for ``target``."""
        row: dict[str, Any] = {"id": self._next("l"), "source": source, "target": target,
                               "kind": "backup_for"}
        if valid_from:
            row["valid_from"] = valid_from
        self.rows["links"].append(row)
        return str(row["id"])

    def link_between(self, a: str, b: str, kind: str = "communicates") -> str:
        for row in self.rows["links"]:
            if row["kind"] == kind and {row["source"], row["target"]} == {a, b}:
                return str(row["id"])
        raise KeyError((a, b, kind))

    def met(self, at: str, channel: str, summary: str, *participants: str) -> str:
        row = {"id": self._next("i"), "at": at, "participants": list(participants),
               "channel": channel, "summary": summary, "project": self.project_id}
        self.rows["interactions"].append(row)
        return str(row["id"])

    def problem(self, text: str, *ids: str, reported: tuple[str, ...] = ()) -> None:
        """``reported``: the finding that must report it, as (code, *ids the finding names);
        empty for a plant no finding is about (dirty data, kept history)."""
        self.problems.append((text, list(ids), reported))

    def bundle(self) -> dict[str, Any]:
        self._check_last_contact()
        return {"format": "graphsvc-bundle", "version": 1, **self.rows}

    def _check_last_contact(self) -> None:
        """A link's last_contact must not be older than an interaction logged for the pair."""
        logged: dict[frozenset[str], str] = {}
        for row in self.rows["interactions"]:
            day = row["at"][:10]
            people = row["participants"]
            for i, a in enumerate(people):
                for other in people[i + 1:]:
                    pair = frozenset((a, other))
                    logged[pair] = max(logged.get(pair, day), day)
        for row in self.rows["links"]:
            pair = frozenset((row["source"], row["target"]))
            if row["kind"] == "communicates" and row["last_contact"] < logged.get(pair, ""):
                raise AssertionError(f"{row['id']}: last_contact older than the log ({logged[pair]})")


# =========================================================================================
# 1. Property development: 云庭·滨江综合体 (Hangzhou, Binjiang district)
# =========================================================================================


def property_development() -> Builder:
    b = Builder("pd", "pd-yunting-complex")

    # -- organisations (22) -------------------------------------------------------------
    client = b.org("org-yunting-properties", "杭州云庭置业有限公司", "client", "yunting.example.cn",
                   "甲方 / developer")
    design = b.org("org-lanshan-design", "杭州澜山建筑设计研究院有限公司", "design",
                   "lanshan-design.example.cn", "设计院，建筑/结构/机电施工图设计")
    facade = b.org("org-harbourline-facade", "Harbourline Façade Consultants (Shanghai) Ltd.",
                   "design", "harbourline.example.com", "Foreign façade consultant, works in English")
    landscape = b.org("org-qingyu-landscape", "杭州青屿景观设计事务所", "design",
                      "qingyu-landscape.example.cn")
    survey = b.org("org-kunyuan-geotech", "浙江坤元岩土工程勘察有限公司", "design",
                   "kunyuan-geo.example.cn", "勘察单位 (geotechnical survey)")
    gc = b.org("org-bafang-construction", "浙江八方建设集团有限公司", "contractor",
               "bafang-build.example.cn", "施工总承包 / general contractor")
    mep = b.org("org-hengtong-mep", "杭州衡通机电安装工程有限公司", "contractor",
                "hengtong-mep.example.cn", "机电安装分包 / MEP subcontractor")
    firesub = b.org("org-anxiao-fire", "浙江安消消防工程有限公司", "contractor",
                    "anxiao-fire.example.cn", "消防专业分包 / fire protection subcontractor")
    piling = b.org("org-jianji-piling", "杭州坚基桩基工程有限公司", "contractor",
                   "jianji-pile.example.cn", "桩基分包；2026-09-30 完工退场 (left the site)")
    supervision = b.org("org-zhengheng-supervision", "浙江正衡工程监理有限公司", "supervisor",
                        "zhengheng-jl.example.cn", "监理 / site supervision")
    concrete = b.org("org-guxin-concrete", "杭州固信商品混凝土有限公司", "vendor",
                     "guxin-concrete.example.cn", "商品混凝土（甲供） / ready-mix concrete, client-supplied")
    steel = b.org("org-zhubang-steel", "浙江铸邦钢材贸易有限公司", "vendor", "zhubang-steel.example.cn",
                  "钢筋 / rebar")
    elevator = b.org("org-xunsheng-elevator", "迅升电梯（中国）有限公司", "vendor",
                     "xunsheng-lift.example.cn", "电梯供货及安装 / elevators")
    curtainwall = b.org("org-hengsheng-curtainwall", "恒晟幕墙工程有限公司", "vendor",
                        "hengsheng-cw.example.cn", "幕墙供货及安装 / curtain wall supply and install")
    hvac = b.org("org-nuanyu-hvac", "杭州暖域空调设备有限公司", "vendor", "nuanyu-hvac.example.cn",
                 "暖通设备 / HVAC equipment")
    electric = b.org("org-hengyuan-electric", "浙江恒源电气成套设备有限公司", "vendor",
                     "hengyuan-elec.example.cn", "变配电设备 / switchgear and transformers")
    cost = b.org("org-mingsuan-cost", "杭州明算工程造价咨询有限公司", "other", "mingsuan-cost.example.cn",
                 "造价咨询 / cost consultant")
    quality = b.org("org-binjiang-quality-station", "杭州市滨江区建设工程质量安全监督站", "regulator",
                    "bj-zjj.example.cn", "住建局质安站 / quality and safety supervision station")
    fire_review = b.org("org-binjiang-fire-review", "杭州市滨江区住房和城乡建设局 消防审验科",
                        "regulator", "bj-zjj-xf.example.cn",
                        "消防设计审查与消防验收 / fire design review and fire safety acceptance")
    planning = b.org("org-binjiang-planning", "杭州市规划和自然资源局滨江分局", "regulator",
                     "bj-ghzy.example.cn", "规划许可与规划核实 / planning permits")
    property_mgr = b.org("org-yunting-property-services", "杭州云庭物业服务有限公司", "property",
                         "yunting-pm.example.cn", "物业，前期介入 from 2026-09-01")
    bank = b.org("org-qianjiang-bank", "钱江商业银行滨江支行", "other", "qjbank.example.cn",
                 "开发贷款银行 / construction loan")

    # -- contacts (58) ------------------------------------------------------------------
    P = b.person
    # 甲方 client
    sun_hao = P("c-sun-hao", "孙浩", client, "总经理 General Manager", "+86 139 0000 1001", "meeting",
                tag="management")
    wang = P("c-wang-jianguo", "王建国", client, "项目总监 Project Director", "+86 138 0000 1002",
             "wechat", tag="management")
    zhang_wei = P("c-zhang-wei", "张伟", client, "工程经理 Construction Manager", "+86 138 0000 1234",
                  "phone", tag="management")
    zhang_wei_2 = P("c-zhang-wei-2", "张伟", client, "", "+86 139 0000 5678", "", mailbox=None,
                    notes="从《供应商联系人.xlsx》导入；与 c-zhang-wei 同名不同号，未核实是否同一人",
                    tag="imported")
    li_na = P("c-li-na", "李娜", client, "设计管理经理 Design Manager", "+86 138 0000 1003", "wechat",
              tag="management", since="2025-07-01", notes="2025-07-01 从澜山设计院跳槽到甲方")
    chen = P("c-chen-xiaoyan", "陈晓燕", client, "报建专员 Permitting Coordinator", "+86 138 0000 1004",
             "wechat", tag="technical",
             notes="已提交离职申请，最后工作日 2026-12-31；与消防审验科的联系全部经由她，尚无交接人")
    liu_yang = P("c-liu-yang", "刘洋", client, "成本合约经理 Cost & Contracts Manager",
                 "+86 138 0000 1005", "email", tag="management")
    zhou_min = P("c-zhou-min", "周敏", client, "财务经理 Finance Manager", "+86 138 0000 1006", "phone",
                 tag="management")
    huang_lei = P("c-huang-lei", "黄磊", client, "营销经理 Sales Manager", "+86 138 0000 1007", "wechat",
                  tag="management")
    he_jing = P("c-he-jing", "何静", client, "交付经理 Handover Manager", "+86 138 0000 1008", "wechat",
                tag="management")
    # 设计院 and design consultants
    xu = P("c-xu-zhiyuan", "徐志远", design, "设计总负责人 Chief Architect", "+86 137 0000 2001",
           "wechat", tag="technical")
    gao_feng = P("c-gao-feng", "高峰", design, "结构专业负责人 Structural Lead", "+86 137 0000 2002",
                 "phone", tag="technical")
    ma_lin = P("c-ma-lin", "马琳", design, "机电专业负责人 MEP Design Lead", "+86 137 0000 2003",
               "email", tag="technical")
    tang_yu = P("c-tang-yu", "唐宇", design, "建筑师 Architect", "+86 137 0000 2004", "wechat",
                tag="technical")
    luo_qiang = P("c-luo-qiang", "罗强", design, "驻场设计代表 Site Design Representative",
                  "+86 137 0000 2005", "wechat", tag="technical")
    feng_xue = P("c-feng-xue", "冯雪", design, "给排水工程师 Plumbing Engineer", "+86 137 0000 2006",
                 "email", tag="technical")
    whitaker = P("c-james-whitaker", "James Whitaker", facade, "Façade Director", "+86 136 0000 3001",
                 "email", mailbox="james.whitaker", lang="en", tag="technical")
    laurent = P("c-sophie-laurent", "Sophie Laurent", facade, "Senior Façade Engineer",
                "+86 136 0000 3002", "email", mailbox="sophie.laurent", lang="en", tag="technical")
    qian_yue = P("c-qian-yue", "钱悦", landscape, "景观设计师 Landscape Designer", "+86 136 0000 3003",
                 "email", tag="technical")
    deng_hui = P("c-deng-hui", "邓辉", survey, "勘察项目负责人 Survey Project Lead", "+86 136 0000 3004",
                 "phone", tag="technical")
    # 施工方 general contractor
    zhao = P("c-zhao-zhiqiang", "赵志强", gc, "项目经理 Project Manager", "+86 135 0000 4001", "phone",
             tag="management")
    wu_gang = P("c-wu-gang", "吴刚", gc, "项目技术负责人 Chief Engineer", "+86 135 0000 4002", "wechat",
                tag="technical")
    zheng_hai = P("c-zheng-hai", "郑海", gc, "生产经理 Production Manager", "+86 135 0000 4003", "phone",
                  tag="technical")
    lin_tao = P("c-lin-tao", "林涛", gc, "安全总监 Safety Director", "+86 135 0000 4004", "phone",
                tag="technical")
    yang_fan = P("c-yang-fan", "杨帆", gc, "质量经理 Quality Manager", "+86 135 0000 4005", "wechat",
                 tag="technical", status="on_leave", since="2026-11-03",
                 notes="产假至 2027-03-02，期间由何鹏代理")
    he_peng = P("c-he-peng", "何鹏", gc, "质量工程师 Quality Engineer", "+86 135 0000 4006", "wechat",
                tag="technical", since="2026-07-01")
    song_jie = P("c-song-jie", "宋杰", gc, "商务经理 Commercial Manager", "+86 135 0000 4007", "email",
                 tag="management")
    xie_li = P("c-xie-li", "谢丽", gc, "资料员 Document Controller", "+86 135 0000 4008", "email",
               tag="technical")
    han_bin = P("c-han-bin", "韩斌", gc, "物资经理 Materials Manager", "+86 135 0000 4009", "phone",
                tag="technical", status="on_leave", since="2026-11-09",
                notes="病假，预计 2026-12-20 返岗；未指定代理人")
    # subcontractors
    zhu_wenbo = P("c-zhu-wenbo", "朱文博", mep, "项目经理（机电）MEP Project Manager",
                  "+86 135 0000 5001", "phone", tag="technical")
    pan_yong = P("c-pan-yong", "潘勇", mep, "电气工长 Electrical Foreman", "+86 135 0000 5002", "phone",
                 tag="technical")
    jiang_tao = P("c-jiang-tao", "蒋涛", mep, "暖通工程师 HVAC Engineer", "+86 135 0000 5003", "wechat",
                  tag="technical")
    lu_ming = P("c-lu-ming", "陆明", firesub, "消防项目经理 Fire Protection PM", "+86 135 0000 5101",
                "phone", tag="technical")
    yao_bo = P("c-yao-bo", "姚波", firesub, "消防技术员 Fire Systems Technician", "+86 135 0000 5102",
               "wechat", tag="technical")
    qin = P("c-qin-guodong", "秦国栋", piling, "项目经理（桩基）Piling Project Manager",
            "+86 135 0000 5201", "phone", tag="technical")
    du_wei = P("c-du-wei", "杜伟", piling, "技术员 Technician", "+86 135 0000 5202", "wechat",
               tag="technical")
    # 监理 supervision
    shen = P("c-shen-guoqiang", "沈国强", supervision, "总监理工程师 Chief Supervising Engineer",
             "+86 133 0000 6001", "phone", tag="management")
    fang_hua = P("c-fang-hua", "方华", supervision, "专业监理工程师（土建）Civil Supervising Engineer",
                 "+86 133 0000 6002", "wechat", tag="technical", status="left", since="2026-10-16",
                 notes="2026-10-16 从正衡监理离职，项目台账未更新")
    jin_yan = P("c-jin-yan", "金燕", supervision, "专业监理工程师（安装）MEP Supervising Engineer",
                "+86 133 0000 6003", "wechat", tag="technical")
    cui_peng = P("c-cui-peng", "崔鹏", supervision, "", "+86 133 0000 6004", "", mailbox=None,
                 tag="technical")
    # suppliers 供应商
    xia_jun = P("c-xia-jun", "夏军", concrete, "销售经理 Sales Manager", "+86 132 0000 7001", "phone",
                tag="supplier")
    tian_lu = P("c-tian-lu", "田璐", concrete, "调度 Dispatcher", "+86 132 0000 7002", "phone",
                tag="supplier")
    shi_lei = P("c-shi-lei", "石磊", steel, "销售经理 Sales Manager", "+86 132 0000 7101", "phone",
                tag="supplier")
    kong_fan = P("c-kong-fan", "孔凡", elevator, "项目经理（电梯）Elevator Project Manager",
                 "+86 132 0000 7201", "phone", tag="supplier")
    keller = P("c-markus-keller", "Markus Keller", elevator, "Technical Advisor", "+86 132 0000 7202",
               "email", mailbox="markus.keller", lang="en", tag="supplier")
    liang_chen = P("c-liang-chen", "梁晨", curtainwall, "项目经理（幕墙）Curtain Wall Project Manager",
                   "+86 132 0000 7301", "wechat", tag="supplier")
    yu_hong = P("c-yu-hong", "余红", curtainwall, "深化设计经理 Detailing Manager", "+86 132 0000 7302",
                "email", tag="supplier")
    ye_qing = P("c-ye-qing", "叶青", hvac, "销售工程师 Sales Engineer", "+86 132 0000 7401", "wechat",
                tag="supplier")
    dong_bin = P("c-dong-bin", "董斌", electric, "客户经理 Account Manager", "+86 132 0000 7501", "phone",
                 tag="supplier")
    peng_li = P("c-peng-li", "彭丽", cost, "造价工程师 Cost Engineer", "+86 132 0000 7601", "email",
                tag="supplier")
    shao_ning = P("c-shao-ning", "邵宁", bank, "客户经理 Relationship Manager", "+86 132 0000 7701",
                  "phone", tag="supplier")
    # 监管单位 regulators
    sun_lixin = P("c-sun-lixin", "孙立新", quality, "质量监督员 Quality Inspector", "+86 131 0000 8001",
                  "phone", tag="regulator")
    lei_zhen = P("c-lei-zhen", "雷震", quality, "安全监督员 Safety Inspector", "+86 131 0000 8002",
                 "phone", tag="regulator")
    guo_rui = P("c-guo-rui", "郭锐", fire_review, "消防验收审查员 Fire Acceptance Reviewer",
                "+86 131 0000 8101", "phone", tag="regulator")
    wei_dong = P("c-wei-dong", "魏东", fire_review, "科长 Section Chief", "+86 131 0000 8102", "phone",
                 tag="regulator")
    ren_jie = P("c-ren-jie", "任杰", planning, "规划科科员 Planning Officer", "+86 131 0000 8201",
                "phone", tag="regulator")
    # 物业 property manager
    zeng_yan = P("c-zeng-yan", "曾艳", property_mgr, "物业项目经理 Property Manager",
                 "+86 130 0000 9001", "wechat", tag="management")
    liao_qiang = P("c-liao-qiang", "廖强", property_mgr, "工程主管 Engineering Supervisor",
                   "+86 130 0000 9002", "wechat", tag="technical")

    # -- history: earlier employers, titles and statuses --------------------------------
    h_li_na = b.history(li_na, design, "建筑师 Architect", "2019-07-01", "2025-07-01")
    h_fang = b.history(fang_hua, supervision, "专业监理工程师（土建）Civil Supervising Engineer",
                       "2023-04-01", "2026-10-16")
    b.history(he_peng, gc, "质量员 Quality Inspector", "2024-03-01", "2026-07-01")
    b.history(yang_fan, gc, "质量经理 Quality Manager", "2022-05-01", "2026-11-03")
    b.history(han_bin, gc, "物资经理 Materials Manager", "2021-09-01", "2026-11-09")

    # -- the project and who takes part ---------------------------------------------------
    b.project(
        "云庭·滨江综合体 Yunting Binjiang Complex",
        "杭州市滨江区住宅+商业综合体（虚构）：3 栋 18 层住宅、1 栋 5 层商业裙楼、两层地下车库，"
        "总建筑面积约 12.6 万㎡。Fictional residential + commercial complex in Binjiang, Hangzhou.",
        [
            (client, "甲方 Client", "2025-03-01"),
            (design, "设计院 Design institute", "2025-04-01"),
            (survey, "勘察 Geotechnical survey", "2025-04-15"),
            (cost, "造价咨询 Cost consultant", "2025-04-01"),
            (bank, "贷款银行 Lender", "2025-05-15"),
            (planning, "规划监管 Planning authority", "2025-03-15"),
            (facade, "幕墙顾问 Façade consultant", "2025-08-01"),
            (landscape, "景观设计 Landscape design", "2025-09-01"),
            (fire_review, "消防审验 Fire review and acceptance", "2025-11-01"),
            (supervision, "监理 Site supervision", "2026-03-01"),
            (gc, "施工总承包 General contractor", "2026-03-20"),
            (elevator, "电梯供应 Elevator supplier", "2026-04-01"),
            (piling, "桩基分包 Piling subcontractor", "2026-04-01", "2026-10-01"),
            (curtainwall, "幕墙供应安装 Curtain wall supplier", "2026-04-10"),
            (concrete, "混凝土供应 Concrete supplier", "2026-04-15"),
            (steel, "钢材供应 Rebar supplier", "2026-04-15"),
            (quality, "质量安全监督 Quality and safety supervision", "2026-04-20"),
            (mep, "机电分包 MEP subcontractor", "2026-06-01"),
            (firesub, "消防分包 Fire protection subcontractor", "2026-07-01"),
            (hvac, "暖通设备供应 HVAC supplier", "2026-08-01"),
            (electric, "变配电设备供应 Switchgear supplier", "2026-08-01"),
            (property_mgr, "物业 Property manager", "2026-09-01"),
        ],
    )

    # -- stages and duties ---------------------------------------------------------------
    planned = "2026-10-15"  # the day the RACI charts for the later stages were agreed
    s1 = b.stage("pd-stage-initiation", "立项 Initiation", 1, "done", "2025-03-01", "2025-06-30")
    s2 = b.stage("pd-stage-design", "设计 Design", 2, "done", "2025-07-01", "2025-12-31")
    s3 = b.stage("pd-stage-procurement", "招采 Procurement", 3, "done", "2026-01-05", "2026-04-30")
    s4 = b.stage("pd-stage-construction", "施工 Construction", 4, "active", "2026-05-01", "2027-06-30")
    s5 = b.stage("pd-stage-acceptance", "验收 Acceptance", 5, "planned", "2027-07-01", "2027-09-30")
    s6 = b.stage("pd-stage-handover", "交付 Handover", 6, "planned", "2027-10-01", "2027-12-31")
    s7 = b.stage("pd-stage-warranty", "保修 Warranty", 7, "planned", "2028-01-01", "2029-12-31")

    D = b.duty
    D("pd-r-project-approval", s1, "项目立项备案 File project approval",
      "发改备案及用地手续 / NDRC filing and land documents", planned,
      A=wang, R=chen, C=ren_jie, I=sun_hao)
    D("pd-r-planning-permit", s1, "取得规划许可证 Obtain planning permits",
      "用地规划许可证、工程规划许可证 / land-use and works planning permits", planned,
      A=chen, C=[ren_jie, li_na], I=wang)
    D("pd-r-feasibility", s1, "可研与投资估算 Feasibility study and cost estimate", "", planned,
      A=liu_yang, R=peng_li, C=zhou_min, I=wang)
    D("pd-r-geotech-survey", s1, "岩土勘察 Geotechnical survey", "", planned,
      A=zhang_wei, R=deng_hui, C=gao_feng)
    D("pd-r-construction-loan", s1, "落实开发贷款 Secure construction loan", "", planned,
      A=zhou_min, R=shao_ning, I=[sun_hao, wang])

    D("pd-r-scheme-design", s2, "方案设计 Scheme design", "", planned,
      A=xu, R=tang_yu, C=li_na, I=wang)
    D("pd-r-construction-drawings", s2, "施工图设计 Construction drawings", "", planned,
      A=xu, R=[gao_feng, ma_lin, feng_xue], C=li_na)
    D("pd-r-facade-design", s2, "幕墙设计顾问 Façade design consulting", "", planned,
      A=whitaker, R=laurent, I=li_na)
    D("pd-r-landscape-design", s2, "景观设计 Landscape design", "", planned,
      A=qian_yue, C=li_na)
    D("pd-r-drawing-review", s2, "施工图审查 Coordinate drawing review", "", planned,
      A=li_na, R=tang_yu, C=[gao_feng, ma_lin])

    D("pd-r-gc-tender", s3, "施工总承包招标 Tender the general contract", "", planned,
      A=wang, R=liu_yang, C=peng_li, I=sun_hao)
    D("pd-r-supervision-tender", s3, "监理招标 Tender site supervision", "", planned,
      A=zhang_wei, R=liu_yang)
    D("pd-r-curtain-wall-tender", s3, "幕墙招标 Tender the curtain wall package", "", planned,
      A=li_na, R=liu_yang, C=whitaker)
    D("pd-r-elevator-procurement", s3, "电梯设备采购 Procure elevators", "", planned,
      A=zhang_wei, R=liu_yang, C=[ma_lin, kong_fan])
    D("pd-r-construction-permit", s3, "办理施工许可证 Obtain the construction permit", "", planned,
      A=chen, C=lei_zhen, I=wang)

    D("pd-r-site-coordination", s4, "现场施工总协调 Overall site coordination",
      "总包、分包、甲供材的进度协调 / schedule across GC, subcontractors and client-supplied materials",
      planned, A=zhao, R=wu_gang, C=shen, I=[zhang_wei, wang])
    D("pd-r-approve-design-changes", s4, "审批设计变更 Approve design changes",
      "设计变更和技术核定单的甲方审批 / client approval of design change notices", planned,
      A=li_na, R=luo_qiang, C=[xu, shen], I=zhao)
    concrete_duty = D(
        "pd-r-coordinate-concrete-supply", s4, "协调混凝土供应 Coordinate concrete supply",
        "商品混凝土为甲供材：浇筑计划、车辆调度、试块 / client-supplied ready-mix: pour plans, "
        "truck dispatch, test cubes", planned,
        R=tian_lu, C=xia_jun, I=shen)
    pours = D("pd-r-supervise-concrete-pours", s4, "混凝土浇筑旁站 Supervise concrete pours",
              "监理旁站记录 / supervisor on site during every pour", planned,
              A=fang_hua, R=cui_peng, I=zheng_hai)
    patrols = D("pd-r-quality-patrols", s4, "质量巡检与整改 Quality patrols and rectification", "",
                planned, A=yang_fan, R=he_peng, C=jin_yan)
    rebar = D("pd-r-coordinate-rebar-supply", s4, "协调钢材进场 Coordinate rebar deliveries", "",
              planned, A=han_bin, R=shi_lei, I=zhao)
    piles = D("pd-r-pile-test-records", s4, "移交桩基检测报告 Hand over pile test records",
              "桩基检测报告和隐蔽验收资料，竣工验收前必须归档 / needed for completion acceptance",
              planned, A=qin, R=du_wei, C=xie_li)
    # two people who each believe they own the concrete supply (甲供 vs 总包)
    a_conc_gc = b.assign(zheng_hai, concrete_duty, "A", b.stage_start[s4])
    a_conc_client = b.assign(zhang_wei, concrete_duty, "A", b.stage_start[s4])

    completion = D("pd-r-organise-completion-acceptance", s5, "组织竣工验收 Organise completion acceptance",
                   "五方责任主体竣工验收 / completion acceptance by the five responsible parties",
                   planned, C=[xu, deng_hui], I=sun_hao)
    a_compl_client = b.assign(wang, completion, "A", planned)
    a_compl_sup = b.assign(shen, completion, "A", planned)
    D("pd-r-supervise-completion-acceptance", s5, "竣工验收监督 Supervise completion acceptance",
      "质安站对竣工验收的监督 / station supervises the acceptance", planned,
      A=sun_lixin, I=wang)
    D("pd-r-sign-fire-acceptance", s5, "消防验收签字 Sign fire safety acceptance", "", planned,
      A=guo_rui, R=lu_ming, C=jin_yan, I=wang)
    mep_acc = D("pd-r-mep-commissioning-acceptance", s5, "机电联调验收 MEP commissioning acceptance",
                "", planned, R=zhu_wenbo, C=[ma_lin, ye_qing])
    a_mep = b.assign(jin_yan, mep_acc, "A", planned, "2027-09-01")
    lift = D("pd-r-elevator-inspection", s5, "电梯特种设备验收 Elevator statutory inspection", "",
             planned, R=kong_fan, C=[keller, zhu_wenbo], I=zhang_wei)
    D("pd-r-final-account", s5, "竣工结算 Final account settlement", "", planned,
      A=liu_yang, R=song_jie, C=peng_li)

    D("pd-r-hand-over-units", s6, "业主交房 Hand over units to buyers", "", planned,
      A=he_jing, R=zeng_yan, C=huang_lei, I=wang)
    D("pd-r-property-takeover", s6, "物业承接查验 Property takeover inspection", "", planned,
      A=zeng_yan, R=liao_qiang, C=zhang_wei)
    D("pd-r-as-built-documents", s6, "竣工资料移交 Hand over as-built documents", "", planned,
      A=zhang_wei, R=xie_li, C=wu_gang)
    D("pd-r-warranty-agreement", s7, "签订保修责任书 Agree warranty responsibilities", "", planned,
      A=zhao, R=song_jie, C=liao_qiang)
    D("pd-r-defect-repairs", s7, "保修期维修响应 Respond to warranty repairs", "", planned,
      A=zeng_yan, R=liao_qiang, C=zhao)
    D("pd-r-release-retention", s7, "退还质保金 Release the retention money", "", planned,
      A=zhou_min, R=liu_yang, C=zeng_yan)

    # -- who reports to whom ----------------------------------------------------------------
    for source, target in [
        (wang, sun_hao), (zhou_min, sun_hao), (huang_lei, sun_hao),
        (zhang_wei, wang), (li_na, wang), (chen, wang), (liu_yang, wang), (he_jing, wang),
        (gao_feng, xu), (ma_lin, xu), (tang_yu, xu), (luo_qiang, xu), (feng_xue, ma_lin),
        (laurent, whitaker),
        (wu_gang, zhao), (zheng_hai, zhao), (lin_tao, zhao), (song_jie, zhao),
        (yang_fan, wu_gang), (he_peng, yang_fan), (xie_li, wu_gang), (han_bin, zheng_hai),
        (pan_yong, zhu_wenbo), (jiang_tao, zhu_wenbo), (yao_bo, lu_ming), (du_wei, qin),
        (fang_hua, shen), (jin_yan, shen), (cui_peng, shen),
        (tian_lu, xia_jun), (yu_hong, liang_chen),
        (guo_rui, wei_dong), (liao_qiang, zeng_yan),
    ]:
        b.reports(source, target)

    # -- deputies ------------------------------------------------------------------------
    backup_he = b.backup(he_peng, yang_fan, "2026-11-01")
    b.backup(tang_yu, xu)
    b.backup(pan_yong, zhu_wenbo)
    b.backup(liao_qiang, zeng_yan)
    b.backup(song_jie, zhao)

    # -- who talks to whom (last contact as recorded on 2026-11-22) -------------------------
    T = b.talks
    # client internal
    T(wang, sun_hao, "2026-11-20", 5, "meeting")
    T(wang, zhang_wei, "2026-11-21", 5, "wechat")
    T(wang, li_na, "2026-11-19", 4, "wechat")
    T(wang, chen, "2026-11-18", 4, "wechat")
    T(wang, liu_yang, "2026-11-17", 3, "meeting")
    T(wang, zhou_min, "2026-11-10", 3, "meeting")
    T(wang, he_jing, "2026-11-12", 3, "wechat")
    T(zhang_wei, li_na, "2026-11-21", 4, "wechat")
    T(li_na, chen, "2026-11-19", 3, "wechat")
    T(liu_yang, zhou_min, "2026-11-14", 3, "email")
    T(huang_lei, he_jing, "2026-11-16", 4, "wechat")
    # client with designers
    T(li_na, xu, "2026-11-20", 5, "wechat")
    T(li_na, luo_qiang, "2026-11-21", 5, "wechat")
    T(li_na, whitaker, "2026-11-05", 3, "email")
    T(li_na, qian_yue, "2026-10-28", 2, "email")
    T(zhang_wei, deng_hui, "2025-06-20", 2, "phone")
    # client with contractor, supervision, suppliers, bank
    T(wang, zhao, "2026-11-20", 5, "meeting")
    T(zhang_wei, zhao, "2026-11-21", 5, "phone")
    T(zhang_wei, zheng_hai, "2026-11-19", 4, "phone")
    T(li_na, wu_gang, "2026-11-18", 3, "wechat")
    T(liu_yang, song_jie, "2026-11-13", 3, "email")
    T(wang, shen, "2026-11-20", 4, "meeting")
    T(zhang_wei, shen, "2026-11-21", 4, "wechat")
    T(zhang_wei, xia_jun, "2026-11-15", 3, "phone")
    T(zhang_wei, kong_fan, "2026-11-12", 3, "phone")
    T(li_na, liang_chen, "2026-11-14", 3, "wechat")
    T(liu_yang, peng_li, "2026-11-18", 4, "email")
    T(zhou_min, shao_ning, "2026-11-03", 3, "phone")
    # client with regulators: the fire review section is reached only through 陈晓燕
    T(chen, guo_rui, "2026-11-17", 2, "phone")
    T(chen, ren_jie, "2026-10-30", 2, "phone")
    # client with the property manager
    T(he_jing, zeng_yan, "2026-11-11", 3, "meeting")
    T(zhang_wei, zeng_yan, "2026-11-11", 2, "meeting")
    # design institute
    T(xu, gao_feng, "2026-11-16", 4, "wechat")
    T(xu, ma_lin, "2026-11-13", 4, "wechat")
    T(xu, luo_qiang, "2026-11-20", 4, "wechat")
    T(xu, tang_yu, "2026-11-12", 3, "meeting")
    T(ma_lin, feng_xue, "2026-11-10", 3, "wechat")
    T(luo_qiang, gao_feng, "2026-11-19", 3, "phone")
    T(whitaker, laurent, "2026-11-10", 4, "email")
    T(qian_yue, xu, "2026-11-02", 2, "wechat")
    T(gao_feng, deng_hui, "2025-06-15", 2, "phone")
    # designers with the site
    T(luo_qiang, wu_gang, "2026-11-21", 5, "wechat")
    T(luo_qiang, zhao, "2026-11-20", 4, "meeting")
    T(ma_lin, zhu_wenbo, "2026-11-08", 3, "email")
    T(laurent, yu_hong, "2026-10-25", 3, "email")
    # general contractor internal
    T(zhao, wu_gang, "2026-11-21", 5, "meeting")
    T(zhao, zheng_hai, "2026-11-21", 5, "phone")
    T(zhao, lin_tao, "2026-11-21", 4, "meeting")
    T(zhao, song_jie, "2026-11-18", 4, "meeting")
    T(wu_gang, yang_fan, "2026-11-02", 4, "wechat")
    T(wu_gang, he_peng, "2026-11-21", 4, "wechat")
    T(wu_gang, xie_li, "2026-11-20", 3, "wechat")
    T(yang_fan, he_peng, "2026-11-02", 4, "wechat")
    T(zheng_hai, han_bin, "2026-11-08", 4, "phone")
    # general contractor with subcontractors and suppliers
    T(zhao, zhu_wenbo, "2026-11-20", 4, "meeting")
    T(zhao, lu_ming, "2026-11-20", 3, "meeting")
    T(wu_gang, lu_ming, "2026-11-20", 3, "wechat")
    T(zhao, liang_chen, "2026-11-20", 3, "meeting")
    T(zhao, kong_fan, "2026-11-10", 2, "meeting")
    T(wu_gang, qin, "2026-09-26", 3, "phone")
    T(zhao, qin, "2026-09-18", 3, "meeting")
    T(xie_li, du_wei, "2026-09-29", 2, "email")
    T(zheng_hai, tian_lu, "2026-11-20", 5, "phone")
    T(zheng_hai, xia_jun, "2026-11-16", 3, "phone")
    T(han_bin, shi_lei, "2026-11-05", 4, "phone")
    T(han_bin, zhao, "2026-11-06", 3, "meeting")
    T(lin_tao, lei_zhen, "2026-11-12", 3, "phone")
    # subcontractors and suppliers among themselves
    T(zhu_wenbo, pan_yong, "2026-11-20", 5, "phone")
    T(zhu_wenbo, jiang_tao, "2026-11-18", 4, "wechat")
    T(zhu_wenbo, ye_qing, "2026-11-13", 3, "wechat")
    T(zhu_wenbo, dong_bin, "2026-11-11", 3, "phone")
    T(zhu_wenbo, kong_fan, "2026-11-04", 2, "phone")
    T(jiang_tao, ye_qing, "2026-11-09", 3, "wechat")
    T(lu_ming, yao_bo, "2026-11-20", 4, "wechat")
    T(qin, du_wei, "2026-09-28", 4, "phone")
    T(xia_jun, tian_lu, "2026-11-19", 4, "phone")
    T(liang_chen, yu_hong, "2026-11-18", 4, "wechat")
    T(kong_fan, keller, "2026-10-20", 2, "email")
    T(xia_jun, zhang_wei_2, "2026-08-12", 1, "phone")
    # supervision
    T(shen, zhao, "2026-11-21", 5, "meeting")
    T(shen, wu_gang, "2026-11-21", 4, "wechat")
    T(shen, fang_hua, "2026-10-14", 4, "wechat")
    T(shen, jin_yan, "2026-11-20", 4, "wechat")
    T(shen, cui_peng, "2026-11-21", 3, "phone")
    T(fang_hua, zheng_hai, "2026-10-12", 4, "phone")
    T(fang_hua, tian_lu, "2026-10-13", 3, "phone")
    T(jin_yan, zhu_wenbo, "2026-11-20", 4, "wechat")
    T(jin_yan, lu_ming, "2026-11-20", 3, "wechat")
    T(cui_peng, he_peng, "2026-11-21", 3, "phone")
    T(cui_peng, tian_lu, "2026-11-19", 3, "phone")
    # the quality station has not been in touch since the foundation inspection in June
    stale_zhao = T(zhao, sun_lixin, "2026-06-10", 2, "meeting")
    stale_shen = T(shen, sun_lixin, "2026-06-10", 2, "phone")
    # property manager
    T(zeng_yan, liao_qiang, "2026-11-15", 4, "wechat")

    # -- interaction log --------------------------------------------------------------
    M = b.met
    M("2025-04-15T09:30:00+08:00", "meeting", "立项评审会：确定业态比例与投资估算",
      sun_hao, wang, liu_yang, chen, zhou_min)
    M("2025-06-20T14:00:00+08:00", "phone", "勘察报告初稿沟通", zhang_wei, deng_hui)
    M("2025-09-10T09:00:00+08:00", "meeting", "方案设计评审 Scheme design review",
      wang, li_na, xu, tang_yu)
    M("2025-11-20T16:00:00+08:00", "video", "Façade design workshop: unitised vs stick system",
      li_na, whitaker, laurent)
    M("2026-03-18T10:00:00+08:00", "meeting", "总包定标会 General contract award",
      wang, liu_yang, peng_li, zhang_wei)
    M("2026-04-28T09:00:00+08:00", "meeting", "开工前设计交底 Design briefing before ground-breaking",
      zhang_wei, zhao, shen, li_na, luo_qiang, wu_gang)
    M("2026-06-10T10:00:00+08:00", "meeting", "地基与基础分部验收 Foundation inspection",
      sun_lixin, zhao, shen, wu_gang, qin)
    M("2026-09-26T15:00:00+08:00", "phone", "桩基检测报告尚缺 3 份，秦国栋答应退场后补交",
      wu_gang, qin)
    M("2026-10-12T07:30:00+08:00", "meeting", "5 号楼屋面混凝土浇筑旁站", fang_hua, zheng_hai, tian_lu)
    M("2026-11-03T11:00:00+08:00", "phone", "开发贷款第三笔提款 Loan drawdown", zhou_min, shao_ning)
    M("2026-11-05T08:40:00+08:00", "phone", "钢筋进场计划调整", han_bin, shi_lei)
    M("2026-11-11T14:00:00+08:00", "meeting", "物业前期介入：交付标准与承接查验清单",
      he_jing, zeng_yan, liao_qiang, zhang_wei)
    M("2026-11-12T09:30:00+08:00", "meeting", "质安站安全检查 Safety inspection", lei_zhen, lin_tao)
    M("2026-11-17T10:20:00+08:00", "phone", "消防验收资料清单预沟通", chen, guo_rui)
    M("2026-11-19T19:10:00+08:00", "wechat", "设计变更 BG-027：商业裙楼屋面排水调整",
      li_na, luo_qiang, xu)
    M("2026-11-20T09:00:00+08:00", "meeting", "工程周例会 Weekly site meeting",
      wang, zhang_wei, zhao, wu_gang, shen, jin_yan, luo_qiang, zhu_wenbo, lu_ming, liang_chen)
    M("2026-11-21T15:00:00+08:00", "meeting", "监理质量巡查：2 号楼二次结构", shen, cui_peng, he_peng,
      wu_gang)

    # -- planted problems ----------------------------------------------------------------
    b.problem("Left but still Accountable in the active stage: 方华 left the supervision firm on "
              "2026-10-16 (status left, since, history row) and is still A on concrete pours",
              fang_hua, h_fang, pours, b.find_assignment(fang_hua, pours),
              reported=("OWNER_INACTIVE", fang_hua, pours))
    b.problem("On leave and Accountable, with an active backup: 杨帆 (maternity leave), 何鹏 "
              "backup_for 杨帆", yang_fan, patrols, b.find_assignment(yang_fan, patrols), backup_he,
              reported=("OWNER_INACTIVE", yang_fan, patrols, he_peng))
    b.problem("On leave and Accountable, without any backup: 韩斌 (sick leave since 2026-11-09) is "
              "A for rebar deliveries and has no deputy", han_bin, rebar,
              b.find_assignment(han_bin, rebar), reported=("OWNER_INACTIVE", han_bin, rebar))
    b.problem("Two active Accountables (权责不清): concrete is client-supplied (甲供), so the client's "
              "张伟 and the contractor's 郑海 both think they own it", concrete_duty, a_conc_gc,
              a_conc_client, reported=("MULTIPLE_ACCOUNTABLE", concrete_duty, zhang_wei, zheng_hai))
    b.problem("Two active Accountables in the next stage: client 王建国 and chief supervisor 沈国强 "
              "both organise completion acceptance", completion, a_compl_client, a_compl_sup,
              reported=("MULTIPLE_ACCOUNTABLE", completion, wang, shen))
    b.problem("No Accountable at all: elevator statutory inspection has R/C/I only", lift,
              reported=("NO_ACCOUNTABLE", lift))
    b.problem("Assignment ends before its stage ends: 金燕's supervision contract ends 2027-08-31, "
              "acceptance runs to 2027-09-30", a_mep, mep_acc, s5,
              reported=("EXPIRING_ASSIGNMENT", mep_acc, jin_yan))
    b.problem("Stale link between Accountables of consecutive stages (construction -> acceptance): "
              "赵志强 (A site coordination) and 孙立新 (A supervise completion acceptance) last talked "
              "2026-06-10; 孙立新's only other link (to 沈国强) is just as old",
              stale_zhao, stale_shen, zhao, sun_lixin,
              reported=("STALE_LINK", zhao, sun_lixin, stale_zhao))
    b.problem("Single point of communication at a handover (construction -> acceptance): every path "
              "to 郭锐 (A sign fire acceptance) runs through 陈晓燕, who leaves on 2026-12-31",
              guo_rui, chen, b.link_between(chen, guo_rui),
              reported=("HANDOVER_SINGLE_POINT", chen, guo_rui))
    b.problem("Organisation left the project but its person still owns a duty: 坚基桩基 participation "
              "ended 2026-10-01, 秦国栋 is still A on the pile test records",
              piling, qin, piles, b.find_assignment(qin, piles),
              reported=("OWNER_ORG_NOT_ENGAGED", qin, piles, piling))
    b.problem("Dirty data, 同名不同号: two contacts named 张伟 with different phones; the second has "
              "no title, channel or e-mail", zhang_wei, zhang_wei_2)
    b.problem("Dirty data: supervisor 崔鹏 has no title, preferred channel or e-mail", cui_peng)
    b.problem("Change of employer kept as history: 李娜 moved from the design institute to the "
              "client on 2025-07-01", li_na, h_li_na)
    return b


# =========================================================================================
# 2. Software product: FieldOps 3.0 at Lumen Software
# =========================================================================================


def software_product() -> Builder:
    b = Builder("sw", "sw-fieldops-3")

    product = b.org("org-lumen-product", "Lumen Software - Product Management", "internal",
                    "lumen.example.com")
    rnd = b.org("org-lumen-rnd", "Lumen Software - R&D", "internal", "lumen.example.com")
    qa = b.org("org-lumen-qa", "Lumen Software - Quality Assurance", "internal", "lumen.example.com")
    ops = b.org("org-lumen-ops", "Lumen Software - Operations", "internal", "lumen.example.com")
    cs = b.org("org-lumen-cs", "Lumen Software - Customer Success", "internal", "lumen.example.com")
    sec = b.org("org-lumen-security", "Lumen Software - Information Security", "internal",
                "lumen.example.com")
    nimbus = b.org("org-nimbus-cloud", "Nimbus Cloud Services Ltd.", "vendor",
                   "nimbus-cloud.example.com", "Hosting and managed Kubernetes")
    bluecheck = b.org("org-bluecheck-testing", "BlueCheck Testing Co., Ltd.", "vendor",
                      "bluecheck.example.com",
                      "Outsourced performance testing; contract ended 2026-10-31")

    P = b.person
    emily = P("c-emily-carter", "Emily Carter", product, "Head of Product", "+86 137 0000 2801",
              "meeting", mailbox="emily.carter", lang="en", tag="management")
    daniel = P("c-daniel-wu", "Daniel Wu", product, "Product Owner", "+86 137 0000 2802", "slack",
               mailbox="daniel.wu", lang="en", tag="management")
    priya = P("c-priya-nair", "Priya Nair", product, "UX Designer", "+86 137 0000 2803", "slack",
              mailbox="priya.nair", lang="en", tag="technical")
    michael = P("c-michael-chen", "Michael Chen", rnd, "Engineering Director", "+86 137 0000 2811",
                "meeting", mailbox="michael.chen", lang="en", tag="management")
    sarah = P("c-sarah-kim", "Sarah Kim", rnd, "Tech Lead, Backend", "+86 137 0000 2812", "slack",
              mailbox="sarah.kim", lang="en", tag="technical",
              notes="Moves to the Payments product line on 2027-01-15; today the only regular "
                    "contact between the product team and Operations")
    tom = P("c-tom-becker", "Tom Becker", rnd, "Frontend Lead", "+86 137 0000 2813", "slack",
            mailbox="tom.becker", lang="en", tag="technical", status="left", since="2026-10-31",
            notes="Left the company on 2026-10-31")
    li_wei = P("c-li-wei", "Li Wei", rnd, "Senior Backend Engineer", "+86 137 0000 2101", "slack",
               mailbox="li.wei", lang="zh", tag="technical")
    li_wei_2 = P("c-li-wei-2", "Li Wei", None, "", "+86 137 0000 2199", "", mailbox=None, lang="",
                 tag="imported", notes="Imported from legacy contacts.xlsx; same name as c-li-wei, "
                                       "different phone, nobody knows if it is the same person")
    hannah = P("c-hannah-weber", "Hannah Weber", qa, "QA Manager", "+86 137 0000 2821", "slack",
               mailbox="hannah.weber", lang="en", tag="management", status="on_leave",
               since="2026-11-16", notes="Parental leave until 2027-02-15; Omar Haddad deputises")
    omar = P("c-omar-haddad", "Omar Haddad", qa, "Test Lead", "+86 137 0000 2822", "slack",
             mailbox="omar.haddad", lang="en", tag="technical")
    grace = P("c-grace-liu", "Grace Liu", qa, "QA Engineer", "+86 137 0000 2823", "slack",
              mailbox="grace.liu", lang="en", tag="technical", since="2026-09-01",
              notes="Joined from BlueCheck Testing on 2026-09-01")
    marco = P("c-marco-rossi", "Marco Rossi", ops, "Operations Manager", "+86 137 0000 2831", "email",
              mailbox="marco.rossi", lang="en", tag="management")
    yuki = P("c-yuki-tanaka", "Yuki Tanaka", ops, "Site Reliability Engineer", "+86 137 0000 2832",
             "slack", mailbox="yuki.tanaka", lang="en", tag="technical",
             notes="Rotates to the platform team on 2026-12-01")
    alex = P("c-alex-novak", "Alex Novak", ops, "Site Reliability Engineer", "+86 137 0000 2833",
             "slack", mailbox="alex.novak", lang="en", tag="technical")
    laura = P("c-laura-martin", "Laura Martin", cs, "Head of Customer Success", "+86 137 0000 2841",
              "meeting", mailbox="laura.martin", lang="en", tag="management")
    ben = P("c-ben-harris", "Ben Harris", cs, "Customer Success Manager", "+86 137 0000 2842", "email",
            mailbox="ben.harris", lang="en", tag="technical")
    nadia = P("c-nadia-petrova", "Nadia Petrova", sec, "Security Officer", "+86 137 0000 2851", "email",
              mailbox="nadia.petrova", lang="en", tag="management", status="on_leave",
              since="2026-11-02", notes="Sabbatical until 2027-01-31; no deputy named")
    kevin = P("c-kevin-osei", "Kevin Osei", nimbus, "Account Manager", "+44 20 7946 0123", "email",
              mailbox="kevin.osei", lang="en", tag="supplier")
    zhou_lan = P("c-zhou-lan", "Zhou Lan", nimbus, "Solutions Architect", "+86 137 0000 2861", "email",
                 mailbox="zhou.lan", lang="en", tag="supplier")
    ivan = P("c-ivan-morozov", "Ivan Morozov", bluecheck, "Test Delivery Manager", "+86 137 0000 2871",
             "email", mailbox="ivan.morozov", lang="en", tag="supplier")

    h_tom = b.history(tom, rnd, "Frontend Lead", "2022-02-01", "2026-10-31")
    h_grace = b.history(grace, bluecheck, "Test Engineer", "2024-06-01", "2026-09-01")
    b.history(hannah, qa, "QA Manager", "2023-01-09", "2026-11-16")
    b.history(nadia, sec, "Security Officer", "2021-04-01", "2026-11-02")

    b.project(
        "FieldOps 3.0",
        "Fictional field-service mobile app and backend, release 3.0, built by Lumen Software's "
        "departments with a cloud vendor and an outsourced test vendor.",
        [
            (product, "Product owner", "2026-03-02"),
            (rnd, "Development", "2026-03-02"),
            (qa, "Testing", "2026-03-02"),
            (ops, "Operations", "2026-03-02"),
            (cs, "Customer acceptance", "2026-03-02"),
            (sec, "Security review", "2026-03-02"),
            (nimbus, "Cloud hosting", "2026-04-15"),
            (bluecheck, "Performance testing", "2026-05-01", "2026-11-01"),
        ],
    )

    planned = "2026-10-20"
    s1 = b.stage("sw-stage-planning", "Planning", 1, "done", "2026-03-02", "2026-04-30")
    s2 = b.stage("sw-stage-development", "Development", 2, "done", "2026-05-04", "2026-09-30")
    s3 = b.stage("sw-stage-testing", "Testing", 3, "active", "2026-10-05", "2026-12-18")
    s4 = b.stage("sw-stage-acceptance", "Acceptance", 4, "planned", "2027-01-04", "2027-01-29")
    s5 = b.stage("sw-stage-handover", "Operations handover", 5, "planned", "2027-02-01", "2027-02-26")

    D = b.duty
    D("sw-r-release-scope", s1, "Define the release scope", "", planned,
      A=emily, R=daniel, C=[michael, laura], I=marco)
    D("sw-r-target-architecture", s1, "Approve the target architecture", "", planned,
      A=michael, R=sarah, C=[nadia, zhou_lan])
    D("sw-r-budget", s1, "Approve budget and staffing", "", planned, A=emily, R=michael, I=laura)

    D("sw-r-backend-services", s2, "Deliver the backend services", "", planned,
      A=sarah, R=li_wei, C=zhou_lan)
    D("sw-r-mobile-app", s2, "Deliver the mobile app", "", planned, A=michael, R=tom, C=priya)
    D("sw-r-cloud-infrastructure", s2, "Provision the cloud infrastructure", "", planned,
      A=marco, R=[alex, zhou_lan], I=kevin)
    D("sw-r-test-automation", s2, "Build the test automation", "", planned,
      A=omar, R=grace, C=li_wei)

    test_plan = D("sw-r-system-test-plan", s3, "Own the system test plan", "", planned,
                  A=hannah, R=omar, I=daniel)
    defects = D("sw-r-blocking-defects", s3, "Fix release-blocking defects", "", planned,
                A=tom, R=li_wei, C=sarah, I=omar)
    perf = D("sw-r-performance-report", s3, "Deliver the performance test report", "", planned,
             A=ivan, R=grace, C=sarah)
    staging = D("sw-r-staging-environment", s3, "Run the staging environment", "", planned,
                R=alex, C=sarah)
    a_staging = b.assign(yuki, staging, "A", b.stage_start[s3], "2026-12-01")
    pentest = D("sw-r-pentest-sign-off", s3, "Sign off the penetration test", "", planned,
                A=nadia, R=sarah, C=michael)
    D("sw-r-regression-suite", s3, "Maintain the regression suite", "", planned,
      A=omar, R=grace)

    uat = D("sw-r-uat-sign-off", s4, "Sign off user acceptance", "", planned, C=emily, I=michael)
    a_uat_laura = b.assign(laura, uat, "A", planned)
    a_uat_daniel = b.assign(daniel, uat, "A", planned)
    D("sw-r-uat-sessions", s4, "Run UAT sessions with pilot customers", "", planned,
      A=ben, R=grace, C=priya)
    notes = D("sw-r-release-notes", s4, "Approve the release notes", "", planned,
              R=daniel, C=ben, I=laura)

    D("sw-r-runbooks", s5, "Hand over runbooks and on-call", "", planned,
      A=marco, R=[sarah, alex])
    D("sw-r-production-monitoring", s5, "Set up production monitoring and alerts", "", planned,
      A=alex, C=zhou_lan)
    D("sw-r-support-training", s5, "Train the support team", "", planned,
      A=laura, R=ben, C=daniel)

    for source, target in [
        (daniel, emily), (priya, emily), (sarah, michael), (tom, michael), (li_wei, sarah),
        (omar, hannah), (grace, omar), (yuki, marco), (alex, marco), (ben, laura),
    ]:
        b.reports(source, target)
    backup_omar = b.backup(omar, hannah, "2026-11-16")
    b.backup(alex, marco)
    b.backup(li_wei, sarah)
    b.backup(priya, daniel)

    T = b.talks
    T(emily, daniel, "2026-11-20", 5, "slack")
    T(emily, michael, "2026-11-20", 4, "meeting")
    T(emily, laura, "2026-11-20", 3, "meeting")
    T(daniel, priya, "2026-11-17", 4, "slack")
    T(daniel, sarah, "2026-11-20", 4, "slack")
    T(daniel, laura, "2026-11-20", 3, "email")
    T(daniel, omar, "2026-11-18", 4, "slack")
    T(michael, sarah, "2026-11-21", 5, "slack")
    T(sarah, li_wei, "2026-11-21", 5, "slack")
    T(sarah, tom, "2026-10-30", 4, "slack")
    T(li_wei, tom, "2026-10-29", 4, "slack")
    T(michael, nadia, "2026-10-30", 2, "email")
    T(sarah, nadia, "2026-10-31", 3, "slack")
    T(omar, hannah, "2026-11-14", 5, "slack")
    T(omar, grace, "2026-11-21", 5, "slack")
    T(omar, li_wei, "2026-11-18", 4, "slack")
    T(hannah, grace, "2026-11-13", 3, "slack")
    T(grace, ivan, "2026-10-28", 3, "email")
    T(ivan, sarah, "2026-10-28", 2, "email")
    stale = T(omar, ben, "2026-07-14", 2, "email")
    T(laura, ben, "2026-11-19", 5, "slack")
    T(ben, priya, "2026-11-05", 2, "slack")
    # Operations and the cloud vendor are reached only through Sarah Kim
    via_sarah = [T(sarah, marco, "2026-11-12", 3, "slack"), T(sarah, yuki, "2026-11-13", 4, "slack"),
                 T(sarah, zhou_lan, "2026-06-18", 2, "email")]
    T(marco, alex, "2026-11-19", 5, "meeting")
    T(marco, yuki, "2026-11-19", 4, "meeting")
    T(alex, yuki, "2026-11-19", 4, "slack")
    T(marco, kevin, "2026-11-06", 2, "email")
    T(alex, zhou_lan, "2026-11-10", 3, "email")
    T(zhou_lan, kevin, "2026-10-20", 3, "phone")

    M = b.met
    M("2026-03-10T10:00:00+08:00", "meeting",
      "Kick-off: scope, milestones, RACI (Operations not invited)",
      emily, daniel, michael, sarah, laura, hannah)
    M("2026-04-22T14:00:00+08:00", "video", "Architecture review: multi-tenant backend",
      michael, sarah, nadia)
    M("2026-06-18T15:00:00+08:00", "video", "Cloud sizing with Nimbus", sarah, marco, zhou_lan, kevin)
    M("2026-07-14T11:00:00+08:00", "email",
      "QA / Customer Success sync on UAT scenarios (the last one)",
      omar, ben)
    M("2026-09-01T09:30:00+08:00", "meeting", "Onboarding Grace Liu into QA", hannah, grace, omar)
    M("2026-10-28T16:00:00+08:00", "video", "Performance test status: report still missing",
      ivan, grace, sarah)
    M("2026-11-13T21:15:00+08:00", "slack", "Staging outage: database certificate expired",
      yuki, sarah, alex)
    M("2026-11-18T10:00:00+08:00", "meeting", "Defect triage: 4 release blockers open",
      omar, li_wei, sarah, daniel)
    M("2026-11-19T09:00:00+08:00", "meeting", "Operations weekly", marco, alex, yuki)
    M("2026-11-20T15:00:00+08:00", "meeting", "Release readiness review",
      emily, daniel, laura, michael, sarah)

    b.problem("Left but still Accountable in the active stage: Tom Becker left on 2026-10-31 "
              "(status left, since, history row) and still owns the release blockers",
              tom, h_tom, defects, b.find_assignment(tom, defects),
              reported=("OWNER_INACTIVE", tom, defects))
    b.problem("On leave and Accountable, with an active backup: Hannah Weber, Omar Haddad "
              "backup_for her", hannah, test_plan, b.find_assignment(hannah, test_plan), backup_omar,
              reported=("OWNER_INACTIVE", hannah, test_plan, omar))
    b.problem("On leave and Accountable, without any backup: Nadia Petrova on the pen-test sign-off",
              nadia, pentest, b.find_assignment(nadia, pentest),
              reported=("OWNER_INACTIVE", nadia, pentest))
    b.problem("Two active Accountables: Laura Martin and Daniel Wu both sign off UAT",
              uat, a_uat_laura, a_uat_daniel,
              reported=("MULTIPLE_ACCOUNTABLE", uat, laura, daniel))
    b.problem("No Accountable at all: release notes approval", notes,
              reported=("NO_ACCOUNTABLE", notes))
    b.problem("Assignment ends before its stage ends: Yuki Tanaka runs staging until 2026-12-01, "
              "testing runs to 2026-12-18", a_staging, staging, s3,
              reported=("EXPIRING_ASSIGNMENT", staging, yuki))
    b.problem("Stale link between Accountables of consecutive stages (testing -> acceptance): Omar "
              "Haddad (A regression suite) and Ben Harris (A UAT sessions) last talked 2026-07-14",
              stale, omar, ben,
              reported=("STALE_LINK", omar, ben, stale))
    b.problem("Single point of communication at a handover (acceptance -> operations handover): "
              "every path from product/customer success to Operations (Marco Rossi, Alex Novak) runs "
              "through Sarah Kim, who moves teams on 2027-01-15", sarah, marco, alex, *via_sarah,
              reported=("HANDOVER_SINGLE_POINT", sarah, marco, alex))
    b.problem("Organisation left the project but its person still owns a duty: BlueCheck's "
              "participation ended 2026-11-01, Ivan Morozov is still A on the performance report",
              bluecheck, ivan, perf, b.find_assignment(ivan, perf),
              reported=("OWNER_ORG_NOT_ENGAGED", ivan, perf, bluecheck))
    b.problem("Dirty data, 同名不同号: two contacts named Li Wei with different phones; the second "
              "has no organisation, title, channel or e-mail", li_wei, li_wei_2)
    b.problem("Change of employer kept as history: Grace Liu moved from BlueCheck to internal QA on "
              "2026-09-01", grace, h_grace)
    return b


# =========================================================================================
# output
# =========================================================================================

def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _row(row: dict[str, Any], indent: str) -> str:
    """One row on one line; a nested list of objects gets one object per line."""
    parts = []
    for key, value in row.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            inner = ",\n".join(f"{indent}    {_dumps(v)}" for v in value)
            parts.append(f"{_dumps(key)}: [\n{inner}\n{indent}  ]")
        else:
            parts.append(f"{_dumps(key)}: {_dumps(value)}")
    return "{" + ", ".join(parts) + "}"


def to_json(data: dict[str, Any]) -> str:
    """2-space indented JSON with one row per line, like a spreadsheet: short and diffable."""
    lines = ["{"]
    for i, (key, value) in enumerate(data.items()):
        comma = "," if i < len(data) - 1 else ""
        if isinstance(value, list) and value:
            lines.append(f"  {_dumps(key)}: [")
            rows = [f"    {_row(row, '    ')}" for row in value]
            lines.append(",\n".join(rows))
            lines.append(f"  ]{comma}")
        else:
            lines.append(f"  {_dumps(key)}: {_dumps(value)}{comma}")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    if json.loads(text) != data:
        raise AssertionError("to_json changed the data")
    return text


README_HEAD = """\
# Demo data

Two fictional projects, generated by `build_demo.py` (edit that file, then run
`python -m graphsvc.application.demo.build_demo`; the JSON files and this README are its output).
Every person, company, phone number and e-mail domain is invented. The scenario date
("today") is **{today}**: earlier stages are `done`, one is `active`, later ones `planned`.

Dates are relative to the day you load the demo: `graphsvc demo` moves every date and time
(and the days quoted in notes) by the same number of days, so the scenario day {today}
becomes the day you load it, and on that day (the default `--as-of`) the demo shows what
this README describes. The dates below are those of the scenario day; add the days
`graphsvc demo` reports. `graphsvc demo --on DAY` loads it as if today were DAY;
`graphsvc demo --scenario-dates` keeps the dates of this README (then ask with
`--as-of {today}`).

| file | project | counts |
|---|---|---|
{table}

Load them with `graphsvc.application.demo.demo_bundles()` (one raw bundle per project) or
`graphsvc.application.demo.demo_data()` (both merged into one bundle; ids are unique across both),
with the scenario's dates, or with `demo_data_on(day)`, every date moved to make `day` the
scenario day.

Conventions: assignments in stages already under way start with the stage; those of
planned stages start on the day their RACI chart was agreed (2026-10-15 / 2026-10-20), so
all of them are in force today. Links without `valid_from`/`valid_to` hold throughout. A
`communicates` link's `last_contact` is never older than the latest logged interaction
between the two (contacts by chat or phone are not all logged).

## Planted problems

These are on purpose: each is a failure graphsvc should detect. Ids in backticks.
"""

README_TAIL = """
## Knock-on findings (expected, not separate plants)

- 孙立新 (`c-sun-lixin`) has only stale lines: the one to 赵志强 lies on the construction ->
  acceptance handover path (medium), the one to 沈国强 joins two owners (low, in the group
  of lines worth refreshing).
- 郭锐 (`c-guo-rui`) is reachable only through 陈晓燕, so 陈晓燕 is also a single point of
  failure that cuts an owner off, and the line between them a bridge.
- 石磊 (`c-shi-lei`), the steel supplier's sales manager, is Responsible for the rebar
  deliveries and his only line runs to 韩斌, who is on sick leave: an isolated owner.
- People whose company left (`c-qin-guodong`, `c-du-wei`) have lines to other owners that
  went quiet in September 2026: grouped as lines worth refreshing. Lines to people who left
  (`c-fang-hua`) carry nothing and are not judged.
- Operations (`c-marco-rossi`, `c-alex-novak`, `c-yuki-tanaka`) and the cloud vendor are
  reachable only through Sarah Kim (`c-sarah-kim`): she is a single point of failure
  that cuts owners apart, besides the acceptance -> operations handover single point.
  Laura Martin is accountable on both sides of that handover, but Daniel Wu's line through
  Sarah Kim joins the other accountables too, so she does not carry it alone.
- People hanging on one line who own nothing, such as the survey contacts of 2025
  (`c-deng-hui`), are not findings; `c-wei-dong` and `c-li-wei-2` have no `communicates`
  link at all and own nothing either.
"""


def _reported(reported: tuple[str, ...]) -> str:
    if not reported:
        return " (not a finding: see `graphsvc contact duplicates` and the contact history)"
    return f" → reported as `{reported[0]}`"


def _findings_section(builders: dict[str, Builder]) -> list[str]:
    """What ``graphsvc findings`` lists for each project on the scenario day, generated."""
    out = [
        "",
        "## What `graphsvc findings` lists on the scenario day",
        "",
        "Generated from the rules in the main README's Findings section (low findings of one",
        "code grouped into one entry); `tests/test_demo_story.py` checks it on several load days.",
    ]
    for b in builders.values():
        bundle = parse_bundle(b.bundle())
        with use_language("en"):  # the README is English, whatever the shell's locale
            shown = present(project_findings(build_view(bundle, b.project_id, SCENARIO_DAY)))
        counts = Counter(f.severity.value for f in shown)
        summary = ", ".join(f"{counts[s.value]} {s.value}" for s in Severity)
        out += ["", f"### `{b.project_id}`: {len(shown)} entries ({summary})", ""]
        out += ["| severity | code | stages | explanation |", "|---|---|---|---|"]
        for f in shown:
            stages = ", ".join(s.name for s in f.stages) or "project-wide"
            out.append(f"| {f.severity.value} | `{f.code}` | {stages} | {f.explanation} |")
    return out


def readme(builders: dict[str, Builder]) -> str:
    table = []
    for file, b in builders.items():
        counts = ", ".join(f"{len(rows)} {kind}" for kind, rows in b.rows.items())
        table.append(f"| `{file}` | {b.rows['projects'][0]['name']} (`{b.project_id}`) | {counts} |")
    out = [README_HEAD.format(today=TODAY, table="\n".join(table))]
    for file, b in builders.items():
        out.append(f"\n### `{file}`\n")
        for text, ids, reported in b.problems:
            out.append(f"- {text}: " + ", ".join(f"`{i}`" for i in ids) + _reported(reported))
    return "\n".join(out) + "\n" + README_TAIL + "\n".join(_findings_section(builders)) + "\n"


def build() -> dict[str, Builder]:
    return {
        "property_development.json": property_development(),
        "software_product.json": software_product(),
    }


def main(out_dir: Path = HERE) -> None:
    builders = build()
    for file, b in builders.items():
        (out_dir / file).write_text(to_json(b.bundle()), encoding="utf-8")
    (out_dir / "README.md").write_text(readme(builders), encoding="utf-8")
    for file, b in builders.items():
        print(file, {kind: len(rows) for kind, rows in b.rows.items()})


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
