"""`luntan search bench` (and `make bench-search`): how fast search indexes and answers on a large forum.

    luntan search bench [--floors 1000000] [--queries 200] [--like-queries 20] [--var DIR] [--keep]

1. Builds a synthetic forum in a scratch site of its own, never the live one: on SQLite the file
   `var/bench-search/search-bench.sqlite3` (`--var` moves it), on PostgreSQL (DATABASE_URL) the database
   `<name>_search_bench` beside the configured one; both made afresh and migrated, with a local-memory cache.
   Members, boards, threads and `--floors` floors go in with bulk_create in one transaction, with the
   counters a thread, board and member carry; the floors are Chinese text made from a vocabulary of real
   words by topic (with English and digits: Python3, iPhone 15, 5G ...), so that segmentation meets words,
   one to six sentences a floor, some in several paragraphs. The HTML is what `cook(..., fmt="markdown")`
   makes of such text (tests/search/test_evaluation.py checks it).
2. Reindexes (`luntan.search.index.reindex`) with timing: floors/s; then the index's size against the text's
   (SQLite: the pages of the FTS tables and of the `search_` tables, from dbstat; PostgreSQL: the size of the
   `search_` relations and of the search indexes on other tables).
3. Times `--queries` queries of each kind through `luntan.search.api.search`, as the /search/ page asks
   them, by a member who may read every board: one word, two words, a quoted phrase, and one word filtered
   by board and by a 30-day window; then the first `--like-queries` of each kind with backend="like" (LIKE
   scans every floor, so fewer). Prints p50/p95/mean latency and the mean number of hits.
The scratch site is dropped at the end unless --keep."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

SEED = 20_261_202
BATCH = 2_000
MEMBERS = 2_000

# --- the vocabulary -----------------------------------------------------------------------------------------
# Each board talks about its own things; the words are real words, so that a segmenter finds them.

TOPICS: dict[str, dict[str, list[str]]] = {
    "租房": {
        "n": ["房东", "押金", "中介", "合同", "室友", "一居室", "地铁站", "小区", "物业", "房租", "阳台", "隔音",
              "热水器", "空调", "中介费", "城中村", "合租", "整租", "租客", "公寓"],
        "v": ["退租", "续租", "看房", "签约", "搬家", "涨价", "投诉", "维修", "砍价", "转租"],
        "a": ["便宜", "安静", "靠谱", "方便", "潮湿", "干净", "划算", "离谱"],
    },
    "数码": {
        "n": ["iPhone 15", "5G", "Win11", "显卡", "驱动", "机械键盘", "显示器", "路由器", "充电宝", "耳机",
              "笔记本", "固态硬盘", "MacBook", "平板", "电池", "屏幕", "鼠标", "USB-C", "相机", "蓝牙"],
        "v": ["升级", "换新", "降价", "评测", "开箱", "维修", "刷机", "测速", "入手", "退货"],
        "a": ["流畅", "卡顿", "发热", "轻薄", "清晰", "耐用", "好用", "昂贵"],
    },
    "育儿": {
        "n": ["宝宝", "奶粉", "辅食", "幼儿园", "早教班", "尿布", "疫苗", "绘本", "玩具", "老师", "作业", "儿科",
              "睡眠", "身高", "牙齿", "儿童座椅", "游泳课", "钢琴", "家长会", "零花钱"],
        "v": ["哄睡", "入园", "断奶", "发烧", "长牙", "辅导", "陪伴", "表扬", "报名", "接送"],
        "a": ["乖巧", "调皮", "挑食", "健康", "焦虑", "耐心", "可爱", "辛苦"],
    },
    "考研": {
        "n": ["考研", "真题", "数学", "英语", "政治", "专业课", "导师", "复试", "调剂", "研究生", "图书馆",
              "错题本", "作文", "单词", "分数线", "网课", "模拟题", "院校", "学长", "笔记"],
        "v": ["复习", "刷题", "背诵", "报考", "上岸", "二战", "占座", "整理", "听课", "总结"],
        "a": ["紧张", "扎实", "高效", "疲惫", "稳定", "困难", "充实", "迷茫"],
    },
    "美食": {
        "n": ["红烧肉", "火锅", "蛋糕", "烤箱", "面条", "饺子", "排骨", "鸡汤", "米饭", "辣椒", "酱油", "早餐",
              "外卖", "食堂", "烧烤", "小龙虾", "奶茶", "包子", "螺蛳粉", "锅包肉"],
        "v": ["炖煮", "烘焙", "腌制", "炒菜", "点单", "排队", "试吃", "收汁", "蒸熟", "下单"],
        "a": ["好吃", "油腻", "清淡", "香辣", "酥脆", "新鲜", "地道", "实惠"],
    },
    "旅行": {
        "n": ["自由行", "签证", "高铁票", "酒店", "民宿", "景点", "门票", "攻略", "机票", "行李", "导游", "古镇",
              "海边", "雪山", "寺庙", "夜市", "地图", "护照", "京都", "长春"],
        "v": ["出发", "订票", "打卡", "拍照", "徒步", "自驾", "转机", "退票", "排队", "住宿"],
        "a": ["壮观", "拥挤", "悠闲", "值得", "偏僻", "热闹", "凉快", "难忘"],
    },
    "编程": {
        "n": ["Python3", "Django", "数据库", "索引", "接口", "服务器", "缓存", "线程", "框架", "前端", "后端",
              "SQLite", "Docker", "日志", "测试", "算法", "版本", "函数", "正则", "部署"],
        "v": ["调试", "重构", "上线", "回滚", "优化", "编译", "提交", "迁移", "监控", "排查"],
        "a": ["稳定", "高效", "复杂", "简洁", "缓慢", "可靠", "冗长", "优雅"],
    },
    "健身": {
        "n": ["跑步", "膝盖", "深蹲", "蛋白质", "体脂", "跑鞋", "配速", "教练", "健身房", "半马", "拉伸", "热身",
              "肌肉", "体重", "跳绳", "游泳", "瑜伽", "核心", "心率", "饮食"],
        "v": ["减脂", "增肌", "打卡", "坚持", "训练", "恢复", "拉练", "冲刺", "放松", "记录"],
        "a": ["酸痛", "轻松", "疲劳", "结实", "灵活", "规律", "艰难", "痛快"],
    },
    "宠物": {
        "n": ["猫咪", "狗狗", "猫粮", "猫砂", "疫苗", "绝育", "宠物医院", "毛球", "罐头", "玩具", "笼子", "仓鼠",
              "兔子", "鹦鹉", "牵引绳", "体检", "驱虫", "饮水机", "零食", "猫抓板"],
        "v": ["领养", "呕吐", "掉毛", "遛弯", "洗澡", "剪指甲", "喂食", "训练", "打针", "撒娇"],
        "a": ["粘人", "胆小", "活泼", "温顺", "胖乎乎", "挑食", "安静", "聪明"],
    },
    "职场": {
        "n": ["简历", "面试", "工资", "年终奖", "加班", "领导", "同事", "试用期", "社保", "公积金", "项目", "绩效",
              "会议", "通勤", "跳槽", "offer", "周报", "团队", "老板", "合同"],
        "v": ["复工", "辞职", "入职", "汇报", "请假", "转行", "升职", "谈薪", "裁员", "招聘"],
        "a": ["忙碌", "压抑", "顺利", "公平", "内卷", "轻松", "稳定", "焦虑"],
    },
    "汽车": {
        "n": ["电车", "油耗", "续航", "保养", "轮胎", "驾照", "科目二", "停车位", "充电桩", "保险", "二手车",
              "自行车", "电动车", "行车记录仪", "导航", "车险", "4S店", "机油", "刹车", "空调"],
        "v": ["试驾", "提车", "上牌", "洗车", "加油", "违章", "追尾", "维修", "改装", "年检"],
        "a": ["省油", "宽敞", "安静", "颠簸", "灵敏", "耐用", "舒适", "昂贵"],
    },
    "灌水": {
        "n": ["周末", "天气", "电影", "音乐", "小说", "晚霞", "奶茶", "楼下", "邻居", "快递", "游戏", "签到",
              "积分", "老歌", "朋友", "过年", "生日", "夜宵", "公园", "手机"],
        "v": ["吐槽", "分享", "围观", "失眠", "散步", "聊天", "发呆", "推荐", "追剧", "灌水"],
        "a": ["开心", "无聊", "治愈", "郁闷", "温暖", "热闹", "惬意", "尴尬"],
    },
}
BOARDS = list(TOPICS)
PLACES = ["北京", "上海", "广州", "深圳", "成都", "杭州", "南京", "武汉", "西安", "重庆", "苏州", "长沙", "青岛",
          "厦门", "台北", "哈尔滨"]
TIMES = ["昨天", "今天", "上周", "前几天", "最近", "去年", "周末", "刚才", "月初", "半夜"]
ADVERBS = ["特别", "有点", "非常", "真的", "还算", "不太", "越来越", "比较", "居然", "挺"]
OPENERS = ["说实话，", "顺便问一下，", "补充一句，", "楼主你好，", "同问，", "个人觉得，", "总之，", ""]
TEMPLATES = [
    "{t}{p}的{n}{d}{a}，{n2}也{d2}{a2}。",
    "{t}{v}了{n}，感觉{n2}比想象中{a}。",
    "有没有人{v}过{n}？{n2}到底{a}不{a}？",
    "{p}这边{n}{d}{a}，推荐大家去{v}一下。",
    "我家的{n}{t}{v}了，{d}{a}，{n2}还没着落。",
    "关于{n}和{n2}，我的经验是先{v}再{v2}，别急。",
    "{n}{d}{a}，但是{n2}让人{d2}{a2}。",
    "第一次{v}{n}，{p}的朋友说{n2}{d}{a}。",
    "{n}的问题已经{v}了，{n2}那边{t}还在{v2}。",
    "求推荐{a}的{n}，预算不多，{n2}无所谓。",
    "看到楼上说{n}，我也{v}过，{d}{a}。",
    "{t}在{p}{v2}，顺手{v}了{n}，{a}。",
]
TITLE_TEMPLATES = ["{n}{v}求助", "【分享】{p}{n}{v}心得", "{n}和{n2}怎么选？", "{t}{v}{n}的经历",
                   "关于{n}的几个问题", "{p}{n}{a}吗？", "聊聊{n}", "【讨论】{n}是不是越来越{a}了"]
NAME_HEADS = ["江南", "北方", "快乐的", "沉默的", "爱吃鱼的", "夜行", "山间", "海边", "老", "小", "Lazy", "coder"]
NAME_TAILS = ["书生", "剑客", "小猫", "码农", "旅人", "咸鱼", "白菜", "Tiger", "fox", "阿明", "强", "芳"]


class Writer:
    """Floors of believable forum text, drawn from the vocabulary; remembers phrases that occur in it."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.phrases: list[str] = []

    def _fill(self, template: str, topic: str) -> str:
        rng, words = self.rng, TOPICS[topic]
        if rng.random() < 0.15:  # members stray from the board's topic now and then
            words = TOPICS[rng.choice(BOARDS)]
        n, n2 = self._two(words["n"])
        v, v2 = self._two(words["v"])
        a, a2 = self._two(words["a"])
        p = rng.choice(PLACES)
        if "{p}的{n}" in template and len(self.phrases) < 5_000 and rng.random() < 0.05:
            self.phrases.append(f"{p}的{n}")  # a phrase that occurs: 成都的火锅
        return template.format(n=n, n2=n2, v=v, v2=v2, a=a, a2=a2, p=p, t=rng.choice(TIMES),
                               d=rng.choice(ADVERBS), d2=rng.choice(ADVERBS))

    def _two(self, words: list[str]) -> tuple[str, str]:
        """Two different words (random.sample is slow for a million floors)."""
        k = int(self.rng.random() * len(words))
        j = (k + 1 + int(self.rng.random() * (len(words) - 1))) % len(words)
        return words[k], words[j]

    def title(self, topic: str) -> str:
        return self._fill(self.rng.choice(TITLE_TEMPLATES), topic)[:80]

    def body(self, topic: str) -> str:
        rng = self.rng
        sentences = [rng.choice(OPENERS) + self._fill(rng.choice(TEMPLATES), topic)
                     for _ in range(rng.choices([1, 2, 3, 4, 6, 10], weights=[30, 25, 20, 12, 8, 5])[0])]
        if len(sentences) > 3 and rng.random() < 0.5:
            cut = rng.randrange(1, len(sentences))
            return "".join(sentences[:cut]) + "\n\n" + "".join(sentences[cut:])
        return "".join(sentences)


def cooked(text: str) -> str:
    """What `cook(text, fmt="markdown")` makes of the Writer's text: paragraphs, nothing to escape."""
    return "".join(f"<p>{part}</p>\n" for part in text.split("\n\n"))


# --- the synthetic forum ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Forum:
    floors: int
    threads: int
    text_bytes: int  # titles and floor sources, UTF-8
    board_ids: list[int]
    reader_id: int
    phrases: list[str]
    seconds: float


def _thread_lengths(rng: random.Random, floors: int) -> Iterator[int]:
    total = 0
    while total < floors:
        roll = rng.random()
        n = rng.randint(1, 5) if roll < 0.45 else rng.randint(6, 30) if roll < 0.85 else rng.randint(31, 200)
        n = min(n, floors - total)
        total += n
        yield n


def build_forum(*, floors: int, seed: int = SEED, progress: Callable[[str], None] = lambda m: None) -> Forum:
    """Builds the synthetic forum in the current (scratch) database, in one transaction."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from luntan.accounts.models import Member, MemberGroup, name_key, name_skeleton
    from luntan.forum.models import Board, Category, Thread

    started = time.perf_counter()
    rng = random.Random(seed)
    writer = Writer(rng)
    now = timezone.now()
    text_bytes = 0
    with transaction.atomic():
        group = MemberGroup.objects.filter(is_default=True).first()
        password = make_password(None)
        members = []
        for i in range(MEMBERS):
            name = f"{rng.choice(NAME_HEADS)}{rng.choice(NAME_TAILS)}{i}"[:15]
            member = Member(username=name, name_key=name_key(name), name_skeleton=name_skeleton(name),
                            email=f"m{i}@search-bench.invalid", password=password, group=group,
                            date_joined=now - timedelta(days=400))
            member.set_name_keys()
            members.append(member)
        reader = Member(username="搜索压测读者", name_key=name_key("搜索压测读者"),
                        name_skeleton=name_skeleton("搜索压测读者"), email="reader@search-bench.invalid",
                        password=password, group=group, date_joined=now - timedelta(days=400))
        reader.set_name_keys()
        members = Member.objects.bulk_create([*members, reader], batch_size=BATCH)
        member_ids = [m.pk for m in members[:MEMBERS]]
        names = {m.pk: m.username for m in members}
        weights = [1.0 / (k + 1) ** 0.8 for k in range(MEMBERS)]
        category = Category.objects.create(name="压测分区")
        boards = Board.objects.bulk_create([Board(category=category, name=name, order=k)
                                            for k, name in enumerate(BOARDS)])
        progress("members and boards")

        done = threads_made = 0
        posts: dict[int, list[int]] = {m: [0, 0] for m in member_ids}  # member: [floors, threads]
        board_counts = {b.pk: [0, 0] for b in boards}
        lengths = list(_thread_lengths(rng, floors))
        for chunk_start in range(0, len(lengths), BATCH // 4):
            chunk = lengths[chunk_start:chunk_start + BATCH // 4]
            plans = []
            for length in chunk:
                k = rng.randrange(len(boards))
                start = now - timedelta(seconds=rng.uniform(3_600, 365 * 86_400))
                step = rng.uniform(60, 6 * 3_600)
                times = [min(start + timedelta(seconds=step * j), now) for j in range(length)]
                authors = rng.choices(member_ids, weights=weights, k=length)
                plans.append((boards[k], BOARDS[k], times, authors))
            rows = Thread.objects.bulk_create([
                Thread(board=board, title=writer.title(topic), author_id=authors[0], created_at=times[0],
                       last_reply_at=times[-1], last_replier_id=authors[-1], last_replier_name=names[authors[-1]],
                       reply_count=len(times) - 1, last_floor=len(times), view_count=len(times) * 7)
                for board, topic, times, authors in plans])
            floor_rows: list[tuple] = []
            for row, (board, topic, times, authors) in zip(rows, plans, strict=True):
                text_bytes += len(row.title.encode())
                posts[authors[0]][1] += 1
                board_counts[board.pk][0] += 1
                board_counts[board.pk][1] += len(times)
                for number, (moment, author) in enumerate(zip(times, authors, strict=True), 1):
                    source = writer.body(topic)
                    text_bytes += len(source.encode())
                    posts[author][0] += 1
                    floor_rows.append((row.pk, number, author, source, cooked(source), moment))
            insert_floors(floor_rows)
            done += len(floor_rows)
            threads_made += len(rows)
            if done * 10 // floors != (done - len(floor_rows)) * 10 // floors:
                progress(f"floors {done:,} / {floors:,}")
        for pk, (n_floors, n_threads) in posts.items():
            if n_floors:
                Member.objects.filter(pk=pk).update(post_count=n_floors, thread_count=n_threads)
        for pk, (n_threads, n_floors) in board_counts.items():
            Board.objects.filter(pk=pk).update(thread_count=n_threads, post_count=n_floors)
    return Forum(floors=done, threads=threads_made, text_bytes=text_bytes, board_ids=[b.pk for b in boards],
                 reader_id=members[-1].pk, phrases=writer.phrases, seconds=time.perf_counter() - started)


def insert_floors(rows: list[tuple]) -> None:
    """Floors (thread id, number, author id, source, html, created_at) in format markdown, inserted with one
    executemany: the row bulk_create would write (every other column at its model default), several times
    faster at a million floors."""
    from django.db import connection

    from luntan.forum.models import Floor

    fields = [f for f in Floor._meta.concrete_fields if not f.primary_key]
    proto = Floor(thread_id=0, number=0, author_id=0, source="", format="markdown", html="", author_ip="127.0.0.1")
    base = [f.get_db_prep_save(getattr(proto, f.attname), connection) for f in fields]
    where = {f.attname: k for k, f in enumerate(fields)}
    at = [where[name] for name in ("thread_id", "number", "author_id", "source", "html", "created_at")]
    created = Floor._meta.get_field("created_at")
    table = connection.ops.quote_name(Floor._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 - names
    values = []
    for thread_id, number, author_id, source, html, moment in rows:
        row = list(base)
        for k, value in zip(at, (thread_id, number, author_id, source, html,
                                 created.get_db_prep_save(moment, connection)), strict=True):
            row[k] = value
        values.append(row)
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


# --- sizes ----------------------------------------------------------------------------------------------------

def index_bytes() -> int | None:
    """The search index's size on disk: SQLite: the FTS5 tables (with their shadow tables) and the tables and
    indexes of the search app; PostgreSQL: the search app's relations and the search indexes on other
    tables (GIN, or named *search*). None when the database cannot tell."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type IN ('table', 'index')")
            rows = cursor.fetchall()
            fts = [name for name, _, sql in rows if sql and "fts5" in sql.lower() and "virtual" in sql.lower()]
            names = [name for name, table, _ in rows
                     if table.startswith("search_") or any(table == f or table.startswith(f + "_") for f in fts)]
            if not names:
                return 0
            try:
                marks = ",".join(["%s"] * len(names))
                cursor.execute(f"SELECT SUM(pgsize) FROM dbstat WHERE name IN ({marks})", names)  # noqa: S608 - placeholders
            except Exception:  # noqa: BLE001 - SQLite built without dbstat
                return None
            return int(cursor.fetchone()[0] or 0)
        if connection.vendor == "postgresql":
            cursor.execute("""
                SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c
                JOIN pg_namespace s ON s.oid = c.relnamespace
                WHERE s.nspname = current_schema() AND c.relkind IN ('r', 'm') AND c.relname LIKE 'search\\_%%'""")
            tables = int(cursor.fetchone()[0])
            cursor.execute("""
                SELECT COALESCE(SUM(pg_relation_size(i.indexrelid)), 0) FROM pg_index i
                JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
                JOIN pg_am am ON am.oid = c.relam
                WHERE t.relname NOT LIKE 'search\\_%%' AND (am.amname = 'gin' OR c.relname LIKE '%%search%%')""")
            return tables + int(cursor.fetchone()[0])
    return None


def database_bytes() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA page_count")
            pages = cursor.fetchone()[0]
            cursor.execute("PRAGMA page_size")
            return int(pages * cursor.fetchone()[0])
        cursor.execute("SELECT pg_database_size(current_database())")
        return int(cursor.fetchone()[0])


# --- the queries ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Timing:
    kind: str
    backend: str
    n: int
    p50: float  # ms
    p95: float
    mean: float
    hits: float  # mean total of hits


def query_sets(forum: Forum, n: int, rng: random.Random) -> dict[str, list[tuple[str, Any]]]:
    from django.utils import timezone

    from luntan.search.api import Filters

    today = timezone.localdate()
    words = [w for topic in TOPICS.values() for w in topic["n"] + topic["v"]]
    sets: dict[str, list[tuple[str, Any]]] = {"one word": [], "two words": [], "phrase": [], "filtered": []}
    for _ in range(n):
        topic = TOPICS[rng.choice(BOARDS)]
        sets["one word"].append((rng.choice(words), None))
        sets["two words"].append((" ".join(rng.sample(topic["n"], 2)), None))
        phrase = rng.choice(forum.phrases) if forum.phrases else rng.choice(topic["n"])
        sets["phrase"].append((f'"{phrase}"', None))
        since = today - timedelta(days=rng.randint(30, 330))
        sets["filtered"].append((rng.choice(topic["n"]), Filters(
            board_ids=frozenset([rng.choice(forum.board_ids)]), since=since, until=since + timedelta(days=30))))
    return sets


def time_queries(reader, kind: str, queries: list[tuple[str, Any]], backend: str | None) -> Timing:
    from luntan.search import api

    took, hits = [], []
    for text, filters in queries:
        start = time.perf_counter()
        results = api.search(reader, text, filters, sort="relevance", page=1, backend=backend)
        took.append((time.perf_counter() - start) * 1000)
        hits.append(results.total)
    took.sort()
    return Timing(kind=kind, backend=api.backend_named(backend).name, n=len(took), p50=statistics.median(took),
                  p95=took[min(len(took) - 1, int(len(took) * 0.95))], mean=statistics.fmean(took),
                  hits=statistics.fmean(hits))


# --- the command ------------------------------------------------------------------------------------------------

@dataclass
class BenchReport:
    vendor: str
    forum: Forum
    reindex_seconds: float
    indexed: int
    index_bytes: int | None
    database_bytes: int
    timings: list[Timing]


def measure(*, floors: int, queries: int, like_queries: int, say: Callable[[str], None]) -> BenchReport:
    """Builds, reindexes and times, in the current (scratch) database."""
    from django.core.management.base import CommandError
    from django.db import connection

    from luntan.accounts.models import Member
    from luntan.search import api, index
    from luntan.search.api import readable_board_ids

    forum = build_forum(floors=floors, progress=lambda message: say(f"  {message}"))
    say(f"built {forum.floors:,} floors in {forum.threads:,} threads in {forum.seconds:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    step = max(forum.floors // 10, 1)

    def progress(done: int, total: int) -> None:
        if done % step < max(total // 100, 1) or done == total:
            say(f"  reindexed {done:,} / {total:,}")

    start = time.perf_counter()
    indexed = index.reindex(progress=progress)
    reindex_seconds = time.perf_counter() - start
    say(f"reindexed {indexed:,} floors in {reindex_seconds:.1f} s")
    reader = Member.objects.get(pk=forum.reader_id)
    if not set(forum.board_ids) <= readable_board_ids(reader):
        raise CommandError("the bench's reader may not read every board of the synthetic forum")
    sets = query_sets(forum, queries, random.Random(SEED + 1))
    for text, filters in [q for qs in sets.values() for q in qs[:5]]:  # warm the caches and the connection
        api.search(reader, text, filters)
    timings = [time_queries(reader, kind, qs, None) for kind, qs in sets.items()]
    if like_queries:
        timings += [time_queries(reader, kind, qs[:like_queries], "like") for kind, qs in sets.items()]
    return BenchReport(vendor=connection.vendor, forum=forum, reindex_seconds=reindex_seconds, indexed=indexed,
                       index_bytes=index_bytes(), database_bytes=database_bytes(), timings=timings)


def _mb(n: int | None) -> str:
    return "?" if n is None else f"{n / 1e6:,.1f} MB"


def write_report(stdout, report: BenchReport) -> None:
    forum = report.forum
    ratio = "?" if report.index_bytes is None else f"{report.index_bytes / forum.text_bytes:.2f}"
    stdout.write("")
    stdout.write(f"database       {report.vendor}")
    stdout.write(f"floors         {forum.floors:,} in {forum.threads:,} threads (built in {forum.seconds:.1f} s)")
    stdout.write(f"text           {_mb(forum.text_bytes)} (titles and floor sources, UTF-8)")
    speed = f"{report.indexed / report.reindex_seconds:,.0f} floors/s" if report.indexed else "nothing to index"
    stdout.write(f"reindex        {report.reindex_seconds:.1f} s, {report.indexed:,} floors, {speed}")
    stdout.write(f"index          {_mb(report.index_bytes)} = {ratio} x the text; whole database "
                 f"{_mb(report.database_bytes)}")
    stdout.write("")
    stdout.write(f"| {'query':<10} | {'backend':<8} | {'n':>4} | {'p50 ms':>8} | {'p95 ms':>8} | {'mean ms':>8} "
                 f"| {'mean hits':>10} |")
    stdout.write(f"|{'-' * 12}|{'-' * 10}|{'-' * 6}|{'-' * 10}|{'-' * 10}|{'-' * 10}|{'-' * 12}|")
    for t in report.timings:
        stdout.write(f"| {t.kind:<10} | {t.backend:<8} | {t.n:>4} | {t.p50:>8.1f} | {t.p95:>8.1f} | {t.mean:>8.1f} "
                     f"| {t.hits:>10,.0f} |")


def default_var_dir() -> Path:
    from django.conf import settings

    return Path(settings.PROJECT_DIR) / "var" / "bench-search"


def add_arguments(parser) -> None:
    parser.add_argument("--floors", type=int, default=1_000_000, help="floors of the synthetic forum (1,000,000)")
    parser.add_argument("--queries", type=int, default=200, help="queries timed of each kind (200)")
    parser.add_argument("--like-queries", type=int, default=20,
                        help="of those, how many are timed again with LIKE (20; 0: none)")
    parser.add_argument("--var", type=Path, default=None,
                        help="folder of the SQLite scratch site (var/bench-search); unused on PostgreSQL")
    parser.add_argument("--keep", action="store_true", help="keep the scratch site afterwards")


def run(stdout, **options: Any) -> None:
    from luntan.search.evaluation import scratch_site

    floors = max(int(options["floors"]), 1)
    from django.db import connection

    var_dir = Path(options.get("var") or default_var_dir())
    if connection.vendor == "sqlite":
        var_dir.mkdir(parents=True, exist_ok=True)
    started = datetime.now()  # noqa: DTZ005 - only a duration

    def say(message: str) -> None:
        stdout.write(message)
        stdout.flush()

    keep = options.get("keep", False)
    with scratch_site("search_bench", sqlite_path=var_dir / "search-bench.sqlite3", keep=keep) as name:
        say(f"scratch site: {name}")
        report = measure(floors=floors, queries=max(int(options["queries"]), 1),
                         like_queries=max(int(options["like_queries"]), 0), say=say)
    write_report(stdout, report)
    stdout.write(f"\n(the whole run took {(datetime.now() - started).total_seconds():.0f} s)")  # noqa: DTZ005
