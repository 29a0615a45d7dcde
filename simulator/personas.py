"""Who visits: device, browser and screen that agree with each other, language and time zone
from Faker's locales, where they come from, and whether they are a bot."""

from __future__ import annotations

import random
from dataclasses import dataclass

from faker import Faker

LOCALES = {"en_US": 0.4, "en_GB": 0.12, "de_DE": 0.12, "fr_FR": 0.1, "ko_KR": 0.1, "ja_JP": 0.08, "pt_BR": 0.08}
ZONES = {"en_US": "America/New_York", "en_GB": "Europe/London", "de_DE": "Europe/Berlin", "fr_FR": "Europe/Paris",
         "ko_KR": "Asia/Seoul", "ja_JP": "Asia/Tokyo", "pt_BR": "America/Sao_Paulo"}
# (device, weight, user agent with {v} for a browser version, screens)
AGENTS = [
    ("desktop", 0.34, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                      "Chrome/{v}.0.0.0 Safari/537.36", ["1920x1080", "1536x864", "2560x1440"]),
    ("desktop", 0.12, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                      "Version/{v}.0 Safari/605.1.15", ["1440x900", "1680x1050"]),
    ("desktop", 0.06, "Mozilla/5.0 (X11; Linux x86_64; rv:{v}.0) Gecko/20100101 Firefox/{v}.0", ["1920x1080"]),
    ("mobile", 0.26, "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                     "Chrome/{v}.0.0.0 Mobile Safari/537.36", ["412x915", "393x873"]),
    ("mobile", 0.16, "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                     "Version/{v}.0 Mobile/15E148 Safari/604.1", ["390x844", "430x932"]),
    ("tablet", 0.06, "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                     "Version/{v}.0 Mobile/15E148 Safari/604.1", ["820x1180"]),
]
BOTS = ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"]
# referrer kinds: (weight, referrer, utm) ; a campaign link carries UTM parameters
SOURCES = {
    "direct": (0.3, "", None),
    "search": (0.35, "https://www.google.com/", None),
    "social": (0.15, "https://t.co/", None),
    "campaign": (0.2, "", {"utm_source": "newsletter", "utm_medium": "email", "utm_campaign": "autumn-sale"}),
}


@dataclass
class Persona:
    visitor_id: str
    user_agent: str
    device: str
    screen: str
    language: str
    time_zone: str
    bot: bool
    source: str = "direct"


def pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


AWAY_KEEP = 20_000  # people who may come back, remembered at once: an endless run stays small


class People:
    """Makes new visitors and brings old ones back, reproducibly from a seed."""

    def __init__(self, rng: random.Random, bot_share: float = 0.03, returning_share: float = 0.3) -> None:
        self.rng, self.bot_share, self.returning_share = rng, bot_share, returning_share
        self.fakers = {loc: Faker(loc) for loc in LOCALES}
        for i, faker in enumerate(self.fakers.values()):
            faker.seed_instance(rng.randrange(1 << 30) + i)
        self.away: list[Persona] = []  # people who came and have left: only they come back

    def next(self, sources: dict[str, float] | None = None) -> tuple[Persona, bool]:
        """A visitor and whether they were here before; call `left` when their visit ends."""
        if self.away and self.rng.random() < self.returning_share:
            person = self.away.pop(self.rng.randrange(len(self.away)))
            person.source = pick(self.rng, sources or {k: v[0] for k, v in SOURCES.items()})
            return person, True
        return self._new(sources), False

    def left(self, person: Persona) -> None:
        """Their visit ended: they may come back (bots never do). At most AWAY_KEEP are
        remembered; past that one of them, at random, is forgotten for the newcomer."""
        if person.bot:
            return
        if len(self.away) < AWAY_KEEP:
            self.away.append(person)
        else:
            self.away[self.rng.randrange(AWAY_KEEP)] = person

    def _new(self, sources: dict[str, float] | None) -> Persona:
        rng = self.rng
        locale = pick(rng, LOCALES)
        faker = self.fakers[locale]
        visitor_id = f"{faker.random.getrandbits(88):022x}"
        if rng.random() < self.bot_share:
            return Persona(visitor_id, rng.choice(BOTS), "bot", "1024x768", "en-US", "UTC", True)
        device, _, agent, screens = rng.choices(AGENTS, weights=[a[1] for a in AGENTS])[0]
        return Persona(visitor_id, agent.format(v=rng.randint(120, 132)), device, rng.choice(screens),
                       locale.replace("_", "-"), ZONES[locale], False,
                       pick(rng, sources or {k: v[0] for k, v in SOURCES.items()}))
