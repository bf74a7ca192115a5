"""The articles a new site's help centre starts with, written for this site's own rules. Every number in
them is a placeholder filled from the live settings (luntan.help.placeholders), so that they stay true when
the administrator changes a setting. They are site data: the admin edits or deletes them like any article.

Installed by a data migration (help 0002) rather than on a first visit: showing a page must not write, and a
migration runs once, so an article the admin deleted does not come back."""

# Installed with the others on a new site, and on an older one by migration help 0003 (luntan.hidden).
HIDDEN_TITLE = "隐藏内容与付费内容"
HIDDEN_ARTICLE = """\
帖子里的一段内容可以只给一部分人看。BBCode 和 Markdown 帖子都用同样的标签：

```
[hide]回复本帖后才能看到的内容[/hide]
[hide=100]总积分达到 100 的会员才能看到的内容[/hide]
[sell=10]付费后才能看到的内容[/sell]
```

## 回复可见 [hide]

没有回复过这个主题的访客和会员，只会看到“本帖隐藏的内容需要回复才可以浏览”。
回复之后（回复需要已经显示出来，不是在等审核），刷新页面就能看到。

## 积分可见 [hide=数字]

总积分达到这个数字的会员才能看到。总积分怎么算，见“用户组与级别”一文。

## 付费内容 [sell=价格]

读者用 **{{ hidden.currency }}** 购买，价格最高 {{ hidden.max_price }}。
作者得到价格扣除 {{ hidden.tax }}% 税后的部分（和转账的税率相同，税额向上取整）。
每人只需买一次，重复点击不会重复扣钱；买过的人可以在“购买记录”里看到。作者修改帖子后，已经买过的人仍然能看到。

{{THREAD_PRICE}}## 谁总能看到

帖子的作者、这个版块的版主和管理员不需要回复或付费。

## 其他地方

引用、搜索结果、订阅源和帖子摘要里都不会出现隐藏的部分。
一个帖子最多 10 段隐藏内容；标签不能嵌套，写在链接地址里的隐藏内容会被去掉。
"""
# The thread price (主题售价), added to the article after it was first installed (migration help 0004).
THREAD_PRICE_SECTION = """\
## 主题售价

发新主题时，可以给整个主题定一个价格：一楼的全部内容都成为付费内容。
读者点“购买主题”后先看到确认页：价格、作者实得多少，以及自己购买前后的{{ hidden.currency }}余额，确认后才扣除。
主题列表里，有售价的主题会标出价格。作者编辑一楼时可以改价，已经买过的人仍然能看到。
能定的最高售价由用户组决定（0 表示不能给主题定价）：

{{ hidden.thread_prices }}

"""
ARTICLE_BEFORE_THREAD_PRICE = HIDDEN_ARTICLE.replace("{{THREAD_PRICE}}", "")
HIDDEN_ARTICLE = HIDDEN_ARTICLE.replace("{{THREAD_PRICE}}", THREAD_PRICE_SECTION)

# (title, Markdown text, [(title, Markdown text), ...]): the categories at the top and their articles.
ARTICLES: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("新手入门", "刚来论坛？先看看积分、级别、签到和转盘是怎么回事。", [
        ("积分怎么得来，又怎么花掉", """\
论坛有几种积分，每种都有自己的用处：

{{ credits.types }}

## 怎样得到积分

下面这些事会给你加（或扣）积分，括号里是它多久算一次：

{{ credits.rules }}

此外，[每日签到](/checkin/)和[幸运大转盘](/wheel/)也能得到积分，详见本帮助里的对应文章。

## 积分能用来做什么

- 转动幸运大转盘：{{ wheel.cost }}
- 在[社区服务](/services/)里购买勋章和道具；
- 转账给其他会员：{{ credits.transfer }}
- 在不同积分之间兑换（按管理员设定的比例）。

每一笔收入和支出都记在[我的积分](/credits/)的明细里，可以随时查看。积分不会凭空消失：余额不够时，花费会被拒绝，什么也不会扣。
"""),
        ("用户组与级别", """\
你的级别（用户组）由“总积分”决定。总积分的算法是：

**{{ credits.formula }}**

总积分达到下表的门槛，就会自动升到对应的级别；每个级别每天能转幸运大转盘的次数也不同：

{{ levels }}

版主、管理员等特殊用户组不随积分变化，由管理员指定。级别显示在你每个帖子旁边的资料卡上。
"""),
        ("每日签到", """\
每天来[每日签到](/checkin/)页面签一次到，选一个今天的心情，还可以写一句想说的话。

签到奖励：{{ checkin.rewards }}

连续签到的天数越多，奖励越高（到上限为止）；中间断一天，连续天数就从头算起。
“一天”按本站所在时区计算。签到排行榜会列出连续签到和累计签到最多的会员。
"""),
        ("幸运大转盘的中奖概率", """\
[幸运大转盘](/wheel/)：{{ wheel.cost }}每个级别每天能转的次数见“用户组与级别”一文。

转盘上每一格的中奖概率如下，和转盘页面上显示的完全一样：

{{ wheel.odds }}

有库存限制的奖品抽完后，它的概率就变成 0，其余各格按比例变大，直到管理员补货。

每次抽奖的结果都由服务器种子、你自己的客户端种子和次数算出来；换种子之后，旧的服务器种子会公开，你可以在“验证抽奖结果”页面自己核对每一次抽奖，确认结果没有被事后修改。
"""),
    ]),
    ("发帖与排版", "帖子可以用 BBCode 或 Markdown 排版。", [
        ("帖子格式：BBCode 与 Markdown", """\
发帖时可以选择两种写法之一，效果相同，挑你顺手的就行。

## BBCode

老论坛常用的写法，用方括号包住文字：

```
[b]粗体[/b] [i]斜体[/i] [u]下划线[/u]
[color=red]红色文字[/color] [size=5]大字[/size]
[url=https://example.com]链接文字[/url]
[img]https://example.com/a.png[/img]
[quote]引用别人的话[/quote]
[code]代码原样显示[/code]
[list][*]第一项[*]第二项[/list]
```

## Markdown

更简洁的写法：

```
**粗体** *斜体*
[链接文字](https://example.com)
![图片说明](https://example.com/a.png)
> 引用别人的话
- 列表的一项
`行内代码`
```

## 需要知道的

- 为了安全，帖子里的脚本、样式和不认识的标签都会被去掉，只留下文字。
- 新会员发链接和图片有限制，见“新会员须知”。
- 可以插入表情；发帖前可以先“预览”看看效果。
"""),
        ("隐藏内容与付费内容", HIDDEN_ARTICLE),
    ]),
    ("社区规则与管理", "版主做什么、怎样举报、新会员要知道的规则，以及我们怎样对待你的资料。", [
        ("版主能做什么：举报与小黑屋", """\
每个版块都有版主，负责维持秩序。版主可以：

- 置顶、加精、高亮主题，给主题分类；
- 锁定主题（不能再回复）、移动到别的版块、合并或拆分主题；
- 删除帖子：删除的帖子先进回收站，可以恢复；
- 审核被拦下的帖子；
- 警告会员：30 天内被警告三次，就暂时不能发帖；
- 把违规会员关进**小黑屋**：禁止发言（能看不能发），情节严重的禁止访问；可以有期限，到期自动解除。

版主的每个操作都记在管理日志里，管理员可以查看。

## 举报

看到违规的帖子，点帖子下方的“举报”，选一个理由提交即可。举报只有版主能看到，被举报的人不会知道是谁举报的。版主处理以后，你会在“提醒”里收到结果。
请不要滥用举报，举报也有次数限制。
"""),
        ("新会员须知：验证问题、发帖限制与敏感词", """\
为了挡住广告机器人，论坛对新会员有一些保护性的规则。

## 验证

注册以及发帖数少于 {{ verify.posts_below }} 的会员发帖时，需要通过验证（{{ verify.kind }}）。
填写表单太快（少于 {{ verify.min_seconds }} 秒）也会被拒绝，请正常填写。

## 新会员的限制

注册后的 {{ newcomers.hours }} 小时内算新会员（管理员也可以指定某些用户组为新会员）。新会员：

- 每天发主题的上限：{{ newcomers.threads_per_day }}；发回复的上限：{{ newcomers.replies_per_day }}；
- 发满 {{ newcomers.links_after_posts }} 个帖子之前，不能发外站链接和图片（链接到本站的帖子不算）。

版主和管理员不受这些限制。

## 敏感词

论坛有一份敏感词表。帖子里出现敏感词时，视情况会被替换成 ***、送去审核、提醒版主注意，或者直接拒绝发出，并告诉你原因。
简繁体、全角半角的写法都会被识别。
"""),
        ("隐私说明", """\
我们尽量少收集你的资料，并且只用于论坛本身：

- **公开的**：你的用户名、头像、级别、积分、签名和你发的帖子，所有访客都能看到。
- **不公开的**：你的邮箱只用于找回密码，不会显示给其他会员。
- **安全记录**：登录、改密码等操作会记在你自己的[安全日志](/settings/security/)里，只有你和管理员能看。
  为了防止滥用，论坛会短期记录访问地址，用于频率限制和封禁广告来源。
- **两步验证**：可以在设置里开启，开启后登录需要手机上的验证码。

论坛不会出售或转交你的资料。有疑问，请联系管理员。
"""),
    ]),
]


def install(Article, cook) -> None:  # noqa: N803 -- the migration's historical model
    """Creates the default articles on a help centre that has none."""
    if Article.objects.exists():
        return
    for top_order, (title, text, children) in enumerate(ARTICLES, start=1):
        top = Article.objects.create(title=title, order=top_order * 10, fmt="markdown", source=text,
                                     html=cook(text, fmt="markdown"))
        for order, (child_title, child_text) in enumerate(children, start=1):
            Article.objects.create(parent=top, title=child_title, order=order * 10, fmt="markdown",
                                   source=child_text, html=cook(child_text, fmt="markdown"))
