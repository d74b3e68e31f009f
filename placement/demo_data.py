"""Seeded generator of realistic demo data for Digital Talent Placements.

Everything here is plain Python: no Flask, no database, and no I/O apart from
reading the CSV files in ``fixtures/`` through :func:`load_fixtures`. The same
seed always gives identical output, because the only source of randomness is a
single ``random.Random(seed)`` and every collection is walked in a fixed order.

All people, companies, addresses and e-mail addresses are fictitious. E-mail
addresses use the reserved ``example.org`` / ``example.com`` domains (RFC 2606).
"""

from __future__ import annotations

import csv
import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

__all__ = [
    "WORK_MODES",
    "Borough",
    "DemoData",
    "DemoEquality",
    "DemoOrganisation",
    "DemoPreference",
    "DemoRole",
    "DemoStudent",
    "Fixtures",
    "LivingWageRate",
    "Skill",
    "SkillLevel",
    "generate",
    "living_wage_on",
    "load_fixtures",
]

WORK_MODES = ("on-site", "hybrid", "remote")

GENDERS = ("woman", "man", "non-binary", "self-describe", "prefer-not-to-say")
AGE_BANDS = ("16-24", "25-29", "30+", "prefer-not-to-say")
ETHNICITIES = ("asian", "black", "mixed", "white", "other", "prefer-not-to-say")
YES_NO = ("yes", "no", "prefer-not-to-say")


# --------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Skill:
    id: str
    label: str
    alt_labels: tuple[str, ...]
    group: str
    esco_uri: str | None


@dataclass(frozen=True)
class SkillLevel:
    level: int
    name: str
    description: str


@dataclass(frozen=True)
class Borough:
    id: str
    name: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class LivingWageRate:
    in_force_from: date
    pence_per_hour: int
    source: str


@dataclass(frozen=True)
class Fixtures:
    skills: dict[str, Skill]
    levels: dict[int, SkillLevel]
    boroughs: dict[str, Borough]
    universities: dict[str, str]
    sectors: dict[str, str]
    living_wage: tuple[LivingWageRate, ...]

    def living_wage_on(self, day: date) -> int | None:
        return living_wage_on(self.living_wage, day)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_fixtures(fixtures_dir: Path) -> Fixtures:
    """Read the reference CSV files in ``fixtures_dir``."""
    skills = {
        row["id"]: Skill(
            id=row["id"],
            label=row["label"],
            alt_labels=tuple(a for a in row["alt_labels"].split("|") if a),
            group=row["group"],
            esco_uri=row["esco_uri"] or None,
        )
        for row in _rows(fixtures_dir / "skills.csv")
    }
    levels = {
        int(row["level"]): SkillLevel(int(row["level"]), row["name"], row["description"])
        for row in _rows(fixtures_dir / "skill-levels.csv")
    }
    boroughs = {
        row["id"]: Borough(row["id"], row["name"], float(row["latitude"]), float(row["longitude"]))
        for row in _rows(fixtures_dir / "london-boroughs.csv")
    }
    universities = {row["id"]: row["name"] for row in _rows(fixtures_dir / "universities.csv")}
    sectors = {row["id"]: row["label"] for row in _rows(fixtures_dir / "sectors.csv")}
    rates = tuple(
        sorted(
            (
                LivingWageRate(
                    date.fromisoformat(row["in_force_from"]),
                    int(row["pence_per_hour"]),
                    row["source"],
                )
                for row in _rows(fixtures_dir / "london-living-wage.csv")
            ),
            key=lambda rate: rate.in_force_from,
        )
    )
    return Fixtures(skills, levels, boroughs, universities, sectors, rates)


def living_wage_on(rates: Sequence[LivingWageRate], day: date) -> int | None:
    """The London Living Wage (pence per hour) in force on ``day``.

    That is the latest rate whose ``in_force_from`` is on or before ``day``;
    ``None`` before the first rate in the table.
    """
    pence = None
    for rate in rates:
        if rate.in_force_from <= day:
            pence = rate.pence_per_hour
        else:
            break
    return pence


# --------------------------------------------------------------------------------------
# Generated records
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoEquality:
    gender: str
    age_band: str
    ethnicity: str
    disability: str
    first_in_family: str
    free_school_meals: str


@dataclass(frozen=True)
class DemoStudent:
    email: str
    given_name: str
    family_name: str
    university_id: str
    course: str
    rqf_level: int
    expected_graduation: date
    skills: dict[str, int]
    available_from: date
    available_until: date
    hours_per_week: int
    borough: str | None
    work_modes: tuple[str, ...]
    right_to_work: bool
    sectors: tuple[str, ...]
    submitted: bool
    equality: DemoEquality | None


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    name: str
    companies_house_number: str
    headcount: int
    startup: bool
    sector: str
    borough: str
    address: str
    contact_name: str
    contact_email: str
    verified: bool


@dataclass(frozen=True)
class DemoRole:
    organisation_key: str
    title: str
    description: str
    skills: dict[str, tuple[int, int, bool]]
    places: int
    start: date
    end: date
    hours_per_week: int
    borough: str
    work_mode: str
    pay_pence_per_hour: int
    min_rqf_level: int
    status: str


@dataclass(frozen=True)
class DemoPreference:
    student_email: str
    role_index: int
    rank: int


@dataclass(frozen=True)
class DemoData:
    students: list[DemoStudent]
    organisations: list[DemoOrganisation]
    roles: list[DemoRole]
    preferences: list[DemoPreference]


# --------------------------------------------------------------------------------------
# Reference material written for the generator
# --------------------------------------------------------------------------------------


def _comma_list(text: str) -> tuple[str, ...]:
    return tuple(" ".join(item.split()) for item in text.split(",") if item.strip())


# Given names by the gender most often associated with them, chosen to reflect
# the mix of backgrounds among London's students.
WOMEN_NAMES = _comma_list(
    """
    Aaliyah, Abena, Adaeze, Aisha, Alice, Amara, Amelia, Amina, Ana, Anjali, Ayesha,
    Beatriz, Bethany, Bisola, Chiamaka, Chloe, Chloé, Daniela, Deborah, Destiny, Divya,
    Ebony, Eleni, Elif, Ella, Emily, Esi, Esther, Eva, Fatima, Fatoumata, Folake, Freya,
    Grace, Hafsa, Hana, Hannah, Harpreet, Hoa, Ifeoma, Imani, Isabella, Isla, Jade, Jasmine,
    Jessica, Joanna, Kavya, Keisha, Khadija, Kiran, Lakshmi, Layla, Leah, Lucía, Lucy,
    Maryam, Maya, Mei, Mia, Mariam, Naledi, Nadia, Naomi, Nia, Nkechi, Noor, Nusrat, Olivia,
    Oluwaseun, Parisa, Precious, Priya, Rachel, Rahma, Rania, Rebecca, Rosa, Ruby, Ruth,
    Safiya, Samira, Sana, Sara, Shanice, Simran, Sofia, Sophie, Tamara, Tanisha, Thandiwe,
    Tianna, Ting, Yasmin, Yetunde, Yu, Zainab, Zara, Zoë, Zofia
    """
)
MEN_NAMES = _comma_list(
    """
    Aarav, Abdul, Adam, Adebayo, Ahmed, Ali, Alexander, Amir, Andrei, Arjun, Ayaan, Ben,
    Bilal, Callum, Chen, Chidi, Connor, Daniel, Darius, David, Dawit, Declan, Dev, Emeka,
    Ethan, Farhan, Felipe, George, Gurpreet, Hamza, Harry, Hassan, Ibrahim, Idris, Imran,
    Isaac, Jack, Jacob, Jamal, James, Jayden, Joel, Jonathan, José, Joshua, Kai, Kareem,
    Karan, Kofi, Kwame, Leon, Liam, Lucas, Luca, Marcus, Mateusz, Mehmet, Michael, Minh,
    Mohammed, Muhammad, Musa, Nathan, Nikhil, Noah, Obinna, Oliver, Omar, Oscar, Pavel,
    Rahul, Rayan, Reuben, Riccardo, Rohan, Ryan, Samuel, Sebastian, Shaun, Stefan, Tariq,
    Theo, Thomas, Tobi, Tomasz, Tunde, Tyrone, Umar, Usman, Victor, Wei, William, Xavier,
    Yusuf, Zain, Zak
    """
)
NEUTRAL_NAMES = _comma_list(
    """
    Alex, Ari, Charlie, Eden, Jordan, Jules, Kit, Morgan, Nico, Quinn, Remi, River, Robin,
    Sam, Sasha, Taylor
    """
)
FAMILY_NAMES = _comma_list(
    """
    Abara, Adeyemi, Afolabi, Agarwal, Ahmed, Akhtar, Ali, Allen, Amoah, Anderson, Asante,
    Atkinson, Bailey, Baker, Balogun, Banerjee, Barker, Begum, Bennett, Bhatt, Boateng,
    Brown, Campbell, Carter, Chakraborty, Chan, Chaudhry, Chen, Chowdhury, Clarke, Coleman,
    Costa, Cruz, Czarnecki, Da Silva, Davies, Demir, Desai, Dias, Diallo, Doherty, Dos
    Santos, Edwards, Egan, Eze, Fernandes, Fernández, Fofana, Francis, Gallagher, Ghosh,
    Gill, Gonzalez, Gordon, Green, Gupta, Haque, Harris, Hassan, Hoang, Hughes, Hussain,
    Ibrahim, Iqbal, Islam, Iyer, Jackson, James, Jones, Joseph, Kaur, Kelly, Khan, Kim,
    Kowalski, Kumar, Kuznetsova, Lee, Lewis, Li, Lin, Liu, Lopes, Mahmood, Malik, Martin,
    Mendes, Mensah, Miah, Mitchell, Mohamed, Morris, Murphy, Nair, Nguyen, Nowak, Nwosu,
    O'Brien, O'Connor, Obi, Odufuwa, Okafor, Okonkwo, Oliveira, Osei, Owusu, Ozturk,
    Papadopoulos, Patel, Pereira, Phillips, Popescu, Quashie, Rahman, Ramos, Reid, Reyes,
    Richards, Roberts, Robinson, Rodrigues, Rossi, Sandhu, Santos, Sarpong, Scott, Shah,
    Sharma, Siddiqui, Silva, Singh, Smith, Stewart, Sultana, Taylor, Thomas, Thompson, Tran,
    Turner, Uddin, Varga, Walker, Wang, Ward, Watson, White, Williams, Wilson, Wiśniewski,
    Wong, Wright, Wu, Yadav, Yeboah, Yilmaz, Young, Zhang, Zhou
    """
)

# Course families. ``skills`` maps a skill id to the chance that a student in the
# family lists it; the high-probability skills are what roles in the family require.
# ``subjects`` are (subject, science?) pairs used to build course titles.
_FAMILIES: dict[str, dict] = {
    "software": {
        "share": 28,
        "subjects": (
            ("Computer Science", True),
            ("Software Engineering", True),
            ("Computing", True),
            ("Computer Science with Artificial Intelligence", True),
            ("Web Development", True),
            ("Games Programming", True),
            ("Computing and Information Systems", True),
        ),
        "skills": {
            "python": 0.8,
            "javascript": 0.75,
            "version-control": 0.75,
            "sql": 0.7,
            "html": 0.7,
            "css": 0.6,
            "object-oriented-programming": 0.6,
            "java": 0.5,
            "algorithms": 0.5,
            "debugging": 0.45,
            "unit-testing": 0.35,
            "typescript": 0.3,
            "react": 0.35,
            "nodejs": 0.25,
            "rest-apis": 0.3,
            "databases": 0.3,
            "linux": 0.25,
            "docker": 0.2,
            "agile-development": 0.3,
            "csharp": 0.2,
            "cpp": 0.2,
            "c": 0.15,
            "django": 0.1,
            "flask": 0.1,
            "cloud-computing": 0.15,
            "aws": 0.1,
            "kotlin": 0.08,
            "android": 0.1,
            "swift": 0.05,
            "ios": 0.05,
            "ci-cd": 0.1,
            "software-testing": 0.25,
            "teamwork": 0.4,
            "problem-solving": 0.4,
            "go": 0.05,
            "rust": 0.05,
            "php": 0.1,
        },
        "sectors": ("software-saas", "fintech", "ai-data", "edtech", "gaming", "healthtech"),
    },
    "data": {
        "share": 17,
        "subjects": (
            ("Data Science", True),
            ("Mathematics and Statistics", True),
            ("Economics", True),
            ("Business Analytics", True),
            ("Mathematics", True),
            ("Actuarial Science", True),
            ("Artificial Intelligence", True),
        ),
        "skills": {
            "python": 0.8,
            "sql": 0.7,
            "data-analysis": 0.8,
            "statistics": 0.75,
            "spreadsheets": 0.7,
            "data-visualisation": 0.65,
            "pandas": 0.5,
            "r": 0.45,
            "machine-learning": 0.45,
            "data-cleansing": 0.45,
            "jupyter": 0.35,
            "power-bi": 0.3,
            "tableau": 0.25,
            "statistical-analysis": 0.35,
            "forecasting": 0.15,
            "deep-learning": 0.12,
            "natural-language-processing": 0.1,
            "etl": 0.12,
            "data-modelling": 0.15,
            "version-control": 0.3,
            "matlab": 0.1,
            "sas": 0.05,
            "generative-ai": 0.1,
            "report-writing": 0.3,
            "critical-thinking": 0.3,
            "presentation-skills": 0.25,
            "apache-spark": 0.05,
            "big-data": 0.08,
        },
        "sectors": ("ai-data", "fintech", "healthtech", "cleantech", "mobility-logistics"),
    },
    "design": {
        "share": 12,
        "subjects": (
            ("User Experience Design", True),
            ("Graphic Design", False),
            ("Interaction Design", False),
            ("Digital Media Design", False),
            ("Design for Digital Products", False),
            ("Product and Service Design", False),
        ),
        "skills": {
            "figma": 0.8,
            "ui-design": 0.75,
            "wireframing": 0.7,
            "user-research": 0.65,
            "ux-prototyping": 0.6,
            "graphic-design": 0.55,
            "typography": 0.35,
            "photoshop": 0.45,
            "illustrator": 0.4,
            "accessibility": 0.35,
            "usability-testing": 0.4,
            "journey-mapping": 0.35,
            "interaction-design": 0.35,
            "information-architecture": 0.2,
            "design-patterns-ui": 0.2,
            "html": 0.25,
            "css": 0.2,
            "adobe-xd": 0.2,
            "service-design": 0.15,
            "design-thinking": 0.3,
            "creative-thinking": 0.35,
            "presentation-skills": 0.25,
            "3d-modelling": 0.08,
            "motion-graphics": 0.08,
            "digital-illustration": 0.15,
        },
        "sectors": ("creative-media", "software-saas", "edtech", "ecommerce-retail", "govtech"),
    },
    "marketing": {
        "share": 13,
        "subjects": (
            ("Marketing", False),
            ("Digital Marketing", False),
            ("Business Management", True),
            ("Marketing and Communications", False),
            ("International Business", False),
            ("Fashion Marketing", False),
        ),
        "skills": {
            "social-media-marketing": 0.75,
            "digital-marketing": 0.7,
            "copywriting": 0.6,
            "content-marketing": 0.55,
            "spreadsheets": 0.55,
            "market-research": 0.5,
            "seo": 0.45,
            "google-analytics": 0.4,
            "social-media-management": 0.45,
            "email-marketing": 0.35,
            "marketing-campaigns": 0.35,
            "crm": 0.25,
            "presentation-skills": 0.4,
            "ppc": 0.15,
            "brand-management": 0.25,
            "marketing-analytics": 0.2,
            "public-relations": 0.15,
            "creative-suite": 0.2,
            "ab-testing": 0.1,
            "growth-marketing": 0.1,
            "influencer-marketing": 0.12,
            "video-editing": 0.15,
            "teamwork": 0.35,
            "marketing-strategy": 0.25,
            "wordpress": 0.15,
        },
        "sectors": (
            "marketing-advertising",
            "ecommerce-retail",
            "creative-media",
            "social-enterprise",
            "fintech",
        ),
    },
    "creative": {
        "share": 10,
        "subjects": (
            ("Film Production", False),
            ("Animation", False),
            ("Journalism", False),
            ("Music Technology", True),
            ("Games Design", False),
            ("Photography", False),
            ("Media and Communications", False),
        ),
        "skills": {
            "video-editing": 0.75,
            "digital-content-creation": 0.65,
            "creative-suite": 0.6,
            "photography": 0.45,
            "photo-editing": 0.45,
            "motion-graphics": 0.4,
            "storyboarding": 0.4,
            "scriptwriting": 0.3,
            "animation": 0.3,
            "audio-editing": 0.35,
            "video-production": 0.45,
            "social-media-management": 0.35,
            "copywriting": 0.25,
            "game-design": 0.15,
            "game-engines": 0.15,
            "3d-modelling": 0.15,
            "creative-writing": 0.2,
            "journalism": 0.15,
            "audio-post-production": 0.12,
            "music-production": 0.1,
            "creative-ideas": 0.3,
            "creative-thinking": 0.3,
            "virtual-reality": 0.05,
        },
        "sectors": ("creative-media", "gaming", "marketing-advertising", "social-enterprise"),
    },
    "cyber": {
        "share": 8,
        "subjects": (
            ("Cyber Security", True),
            ("Computer Networks and Security", True),
            ("Digital Forensics and Cyber Security", True),
            ("Ethical Hacking", True),
        ),
        "skills": {
            "networking": 0.75,
            "linux": 0.7,
            "information-security": 0.7,
            "python": 0.6,
            "penetration-testing": 0.5,
            "wireshark": 0.45,
            "kali-linux": 0.4,
            "security-risk-assessment": 0.45,
            "firewalls": 0.35,
            "encryption": 0.35,
            "data-protection": 0.35,
            "shell-scripting": 0.4,
            "web-application-security": 0.3,
            "digital-forensics": 0.25,
            "vulnerability-assessment": 0.3,
            "metasploit": 0.2,
            "cloud-computing": 0.2,
            "security-standards": 0.2,
            "access-control": 0.15,
            "security-operations": 0.15,
            "it-support": 0.25,
            "sql": 0.2,
            "owasp-zap": 0.1,
            "threat-modelling": 0.12,
            "problem-solving": 0.3,
        },
        "sectors": ("cyber-security", "fintech", "govtech", "software-saas"),
    },
    "engineering": {
        "share": 6,
        "subjects": (
            ("Electronic Engineering", True),
            ("Mechanical Engineering", True),
            ("Physics", True),
            ("Robotics", True),
            ("Civil Engineering", True),
        ),
        "skills": {
            "python": 0.7,
            "matlab": 0.65,
            "c": 0.45,
            "cpp": 0.4,
            "data-analysis": 0.5,
            "firmware": 0.3,
            "internet-of-things": 0.3,
            "3d-modelling": 0.35,
            "statistics": 0.35,
            "spreadsheets": 0.45,
            "version-control": 0.3,
            "linux": 0.2,
            "technical-documentation": 0.3,
            "problem-solving": 0.45,
            "project-management": 0.2,
            "gis": 0.1,
            "machine-learning": 0.12,
        },
        "sectors": ("cleantech", "mobility-logistics", "proptech", "healthtech"),
    },
    "business-it": {
        "share": 6,
        "subjects": (
            ("Business Information Systems", True),
            ("Information Technology Management", True),
            ("Business and Management", False),
            ("Management", False),
        ),
        "skills": {
            "business-analysis": 0.7,
            "spreadsheets": 0.75,
            "requirements-gathering": 0.55,
            "project-management": 0.55,
            "sql": 0.45,
            "stakeholder-communication": 0.5,
            "presentation-skills": 0.5,
            "business-process-modelling": 0.35,
            "agile-project-management": 0.3,
            "scrum": 0.3,
            "product-management": 0.25,
            "jira": 0.2,
            "power-bi": 0.2,
            "data-analysis": 0.35,
            "report-writing": 0.35,
            "financial-analysis": 0.2,
            "crm": 0.15,
            "risk-management": 0.12,
            "business-planning": 0.15,
            "okrs": 0.12,
            "office-software": 0.3,
        },
        "sectors": ("professional-services", "fintech", "software-saas", "govtech", "proptech"),
    },
}

_PROFESSIONAL = (
    "teamwork",
    "time-management",
    "problem-solving",
    "written-communication",
    "presentation-skills",
    "critical-thinking",
    "online-collaboration",
    "adaptability",
    "attention-to-detail",
)

# Role archetypes: (title, family, required candidates, desired candidates, min level 7 chance)
_ROLES: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...], float], ...] = (
    (
        "Junior software developer",
        "software",
        ("python", "version-control", "sql", "object-oriented-programming"),
        ("unit-testing", "docker", "rest-apis", "agile-development", "linux", "debugging"),
        0.05,
    ),
    (
        "Front-end developer intern",
        "software",
        ("javascript", "html", "css", "version-control"),
        ("react", "typescript", "accessibility", "ui-design", "unit-testing"),
        0.0,
    ),
    (
        "Back-end developer intern",
        "software",
        ("python", "sql", "version-control", "rest-apis"),
        ("django", "flask", "docker", "postgresql", "unit-testing", "linux"),
        0.05,
    ),
    (
        "Full-stack developer intern",
        "software",
        ("javascript", "html", "sql", "version-control"),
        ("react", "nodejs", "typescript", "css", "rest-apis", "aws"),
        0.05,
    ),
    (
        "Software engineering intern",
        "software",
        ("java", "object-oriented-programming", "version-control", "algorithms"),
        ("unit-testing", "sql", "agile-development", "debugging", "ci-cd"),
        0.1,
    ),
    (
        "Mobile app developer intern",
        "software",
        ("javascript", "version-control", "object-oriented-programming"),
        ("react-native", "kotlin", "swift", "android", "ios", "ui-design"),
        0.0,
    ),
    (
        "QA and test engineer intern",
        "software",
        ("python", "version-control", "software-testing"),
        ("unit-testing", "test-automation", "debugging", "sql", "attention-to-detail"),
        0.0,
    ),
    (
        "Cloud and DevOps intern",
        "software",
        ("python", "linux", "version-control"),
        ("docker", "aws", "ci-cd", "cloud-computing", "shell-scripting", "terraform"),
        0.1,
    ),
    (
        "Junior data analyst",
        "data",
        ("data-analysis", "spreadsheets", "sql", "data-visualisation"),
        ("python", "power-bi", "tableau", "statistics", "report-writing"),
        0.1,
    ),
    (
        "Data science intern",
        "data",
        ("python", "statistics", "data-analysis", "machine-learning"),
        ("pandas", "sql", "jupyter", "data-visualisation", "deep-learning"),
        0.4,
    ),
    (
        "Machine learning research assistant",
        "data",
        ("python", "machine-learning", "statistics"),
        (
            "deep-learning",
            "natural-language-processing",
            "pandas",
            "version-control",
            "generative-ai",
        ),
        0.6,
    ),
    (
        "Data engineering intern",
        "data",
        ("python", "sql", "data-cleansing"),
        ("etl", "data-modelling", "cloud-computing", "version-control", "apache-spark"),
        0.2,
    ),
    (
        "Business intelligence intern",
        "data",
        ("sql", "spreadsheets", "data-visualisation"),
        ("power-bi", "tableau", "data-analysis", "presentation-skills"),
        0.1,
    ),
    (
        "Impact and insight analyst",
        "data",
        ("data-analysis", "spreadsheets", "statistics"),
        ("r", "python", "report-writing", "data-visualisation"),
        0.15,
    ),
    (
        "UX research assistant",
        "design",
        ("user-research", "wireframing", "figma"),
        ("usability-testing", "journey-mapping", "accessibility", "report-writing"),
        0.1,
    ),
    (
        "UI designer intern",
        "design",
        ("ui-design", "figma", "wireframing"),
        ("ux-prototyping", "typography", "design-patterns-ui", "accessibility", "html"),
        0.0,
    ),
    (
        "Product designer intern",
        "design",
        ("figma", "ui-design", "user-research", "ux-prototyping"),
        ("journey-mapping", "usability-testing", "interaction-design", "design-thinking"),
        0.05,
    ),
    (
        "Junior graphic designer",
        "design",
        ("graphic-design", "photoshop", "illustrator"),
        ("typography", "creative-suite", "digital-illustration", "figma"),
        0.0,
    ),
    (
        "Digital marketing assistant",
        "marketing",
        ("digital-marketing", "social-media-marketing", "copywriting"),
        ("seo", "google-analytics", "email-marketing", "content-marketing", "crm"),
        0.0,
    ),
    (
        "Social media and content assistant",
        "marketing",
        ("social-media-marketing", "content-marketing", "copywriting"),
        ("social-media-management", "video-editing", "creative-suite", "influencer-marketing"),
        0.0,
    ),
    (
        "SEO and analytics intern",
        "marketing",
        ("seo", "digital-marketing", "spreadsheets"),
        ("google-analytics", "marketing-analytics", "ab-testing", "wordpress"),
        0.0,
    ),
    (
        "Growth marketing intern",
        "marketing",
        ("digital-marketing", "market-research", "spreadsheets"),
        ("growth-marketing", "ab-testing", "email-marketing", "ppc", "crm"),
        0.05,
    ),
    (
        "Video content producer",
        "creative",
        ("video-editing", "video-production", "digital-content-creation"),
        ("motion-graphics", "storyboarding", "audio-editing", "social-media-management"),
        0.0,
    ),
    (
        "Motion graphics designer intern",
        "creative",
        ("motion-graphics", "creative-suite", "video-editing"),
        ("animation", "storyboarding", "graphic-design"),
        0.0,
    ),
    (
        "Content creator and photographer",
        "creative",
        ("photography", "photo-editing", "digital-content-creation"),
        ("social-media-management", "copywriting", "creative-suite"),
        0.0,
    ),
    (
        "Junior games developer",
        "creative",
        ("game-engines", "game-design", "version-control"),
        ("csharp", "3d-modelling", "animation", "cpp"),
        0.0,
    ),
    (
        "Cyber security analyst intern",
        "cyber",
        ("information-security", "networking", "linux"),
        (
            "security-risk-assessment",
            "wireshark",
            "python",
            "security-standards",
            "vulnerability-assessment",
        ),
        0.1,
    ),
    (
        "Penetration testing intern",
        "cyber",
        ("penetration-testing", "linux", "networking"),
        ("kali-linux", "metasploit", "web-application-security", "python", "owasp-zap"),
        0.15,
    ),
    (
        "IT and security support intern",
        "cyber",
        ("networking", "information-security", "it-support"),
        ("access-control", "data-protection", "linux", "firewalls"),
        0.0,
    ),
    (
        "Embedded software intern",
        "engineering",
        ("c", "python", "problem-solving"),
        ("firmware", "internet-of-things", "cpp", "version-control", "linux"),
        0.1,
    ),
    (
        "Engineering data analyst intern",
        "engineering",
        ("python", "matlab", "data-analysis"),
        ("statistics", "spreadsheets", "technical-documentation", "machine-learning"),
        0.15,
    ),
    (
        "Junior business analyst",
        "business-it",
        ("business-analysis", "spreadsheets", "requirements-gathering"),
        ("business-process-modelling", "sql", "stakeholder-communication", "jira"),
        0.05,
    ),
    (
        "Product management intern",
        "business-it",
        ("project-management", "stakeholder-communication", "requirements-gathering"),
        ("product-management", "agile-project-management", "scrum", "jira", "user-research"),
        0.1,
    ),
    (
        "Digital project coordinator",
        "business-it",
        ("project-management", "spreadsheets", "presentation-skills"),
        ("agile-project-management", "scrum", "risk-management", "budget-management"),
        0.0,
    ),
)

_ROLE_TASKS = {
    "software": (
        "build and ship features with our engineering team",
        "pair with experienced developers on our web platform",
        "fix bugs, write tests and take a small feature from idea to release",
    ),
    "data": (
        "turn raw data into clear findings that shape our decisions",
        "build dashboards and analyses for colleagues across the business",
        "clean, explore and model data with our analysts",
    ),
    "design": (
        "research what our users need and design screens that meet it",
        "turn sketches into prototypes and test them with real users",
        "help keep our product consistent, accessible and easy to use",
    ),
    "marketing": (
        "plan and run campaigns that bring new customers to us",
        "write content and grow our audience across our channels",
        "measure what works in our marketing and suggest improvements",
    ),
    "creative": (
        "make video, images and stories for our audiences",
        "produce content from first idea to final edit",
        "work with our creative team on client and in-house projects",
    ),
    "cyber": (
        "help protect our systems and our customers' data",
        "investigate alerts and test our defences with our security team",
        "review our security controls and help us meet recognised standards",
    ),
    "engineering": (
        "develop and test software that runs on our devices",
        "analyse test data from our prototypes and report what you find",
        "work with our engineers on hardware and software trials",
    ),
    "business-it": (
        "map how we work today and help design better processes",
        "coordinate projects and keep our teams and clients informed",
        "gather requirements from colleagues and customers and turn them into plans",
    ),
}

_ROLE_CLOSINGS = (
    "You will have a named mentor and regular check-ins throughout the placement.",
    "We are a small team, so you will see your work used by real customers.",
    "You will present what you achieved to the whole company at the end of the placement.",
    "We welcome applicants from every background and will make reasonable adjustments.",
    "You will get time each week to learn, with support from a senior colleague.",
)

_NAME_WORDS = _comma_list(
    """
    Amber, Anchor, Arc, Aster, Atlas, Beacon, Birch, Bloom, Bolt, Bright, Canal, Cedar,
    Clear, Cobalt, Comet, Copper, Crane, Dock, Ember, Fable, Fern, Field, Flint, Fox, Glow,
    Granary, Harbour, Hatch, Hive, Horizon, Iris, Ivy, Juniper, Kestrel, Kite, Lantern,
    Lark, Leaf, Lumen, Maple, Meadow, Mint, Mosaic, North, Nova, Oak, Onyx, Orbit, Otter,
    Pebble, Pilot, Pixel, Plume, Prism, Quill, Quarry, Raven, Reed, Ripple, River, Rook,
    Sable, Sage, Signal, Slate, Sparrow, Spire, Spruce, Summit, Swift, Thames, Thistle,
    Tide, Timber, Torch, Vale, Vector, Willow, Wren, Yard, Zephyr
    """
)
_SECTOR_SUFFIXES = {
    "fintech": ("Pay", "Ledger", "Money", "Capital", "Finance"),
    "healthtech": ("Health", "Care", "Clinic", "Bio", "Wellbeing"),
    "edtech": ("Learning", "Learn", "Academy", "Tutor", "Classroom"),
    "creative-media": ("Studio", "Studios", "Pictures", "Media", "Collective"),
    "ecommerce-retail": ("Market", "Shop", "Goods", "Commerce", "Supply"),
    "cleantech": ("Energy", "Carbon", "Solar", "Climate", "Circular"),
    "govtech": ("Civic", "Public", "Digital", "Services", "Democracy"),
    "cyber-security": ("Security", "Secure", "Shield", "Cyber", "Defence"),
    "gaming": ("Games", "Play", "Interactive", "Arcade", "Worlds"),
    "proptech": ("Homes", "Property", "Spaces", "Build", "Estates"),
    "mobility-logistics": ("Logistics", "Mobility", "Freight", "Routes", "Cargo"),
    "social-enterprise": ("Foundation", "Trust", "Community", "Works", "Project"),
    "professional-services": ("Consulting", "Partners", "Advisory", "Associates", "Group"),
    "ai-data": ("AI", "Analytics", "Data", "Insights", "Labs"),
    "marketing-advertising": ("Agency", "Creative", "Marketing", "Social", "Brands"),
    "software-saas": ("Software", "Labs", "Tech", "Systems", "Cloud"),
}
_SECTOR_FAMILIES = {
    "fintech": ("software", "data", "cyber", "business-it", "marketing"),
    "healthtech": ("software", "data", "design", "engineering"),
    "edtech": ("software", "design", "marketing", "creative"),
    "creative-media": ("creative", "design", "marketing"),
    "ecommerce-retail": ("marketing", "software", "data", "design"),
    "cleantech": ("engineering", "data", "software", "marketing"),
    "govtech": ("design", "software", "data", "business-it"),
    "cyber-security": ("cyber", "software", "business-it"),
    "gaming": ("creative", "software", "design", "marketing"),
    "proptech": ("software", "data", "business-it", "marketing"),
    "mobility-logistics": ("data", "software", "engineering", "business-it"),
    "social-enterprise": ("marketing", "creative", "data", "design"),
    "professional-services": ("business-it", "data", "marketing", "cyber"),
    "ai-data": ("data", "software", "business-it"),
    "marketing-advertising": ("marketing", "creative", "design", "data"),
    "software-saas": ("software", "design", "data", "cyber", "marketing"),
}

# Postcode districts and real street names in each borough (for plausible addresses).
_ADDRESSES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "barking-and-dagenham": (
        ("IG11", "RM9", "RM10"),
        ("Ripple Road", "Station Parade", "Heathway"),
    ),
    "barnet": (("N12", "NW4", "EN5"), ("High Road", "Ballards Lane", "Brent Street")),
    "bexley": (("DA6", "DA14", "DA7"), ("Broadway", "Station Road", "Bexley High Street")),
    "brent": (
        ("NW10", "HA9", "NW6"),
        ("Kilburn High Road", "Wembley Park Drive", "Harlesden Road"),
    ),
    "bromley": (("BR1", "BR2", "BR6"), ("Bromley High Street", "Widmore Road", "Tweedy Road")),
    "camden": (("NW1", "WC1X", "NW5"), ("Camden High Street", "Pancras Road", "Kentish Town Road")),
    "city-of-london": (("EC2V", "EC4M", "EC3V"), ("Cheapside", "Moorgate", "Fleet Street")),
    "croydon": (("CR0", "CR2", "CR7"), ("George Street", "Wellesley Road", "London Road")),
    "ealing": (("W5", "W13", "UB1"), ("The Broadway", "Uxbridge Road", "Bond Street")),
    "enfield": (("EN1", "N13", "EN3"), ("Silver Street", "Green Lanes", "Hertford Road")),
    "greenwich": (
        ("SE10", "SE18", "SE9"),
        ("Greenwich High Road", "Powis Street", "Eltham High Street"),
    ),
    "hackney": (("E8", "E2", "EC2A"), ("Mare Street", "Kingsland Road", "Curtain Road")),
    "hammersmith-and-fulham": (("W6", "SW6", "W12"), ("King Street", "Fulham Road", "Wood Lane")),
    "haringey": (("N17", "N22", "N8"), ("High Road", "Wood Green High Road", "Tottenham Lane")),
    "harrow": (("HA1", "HA3", "HA2"), ("Station Road", "College Road", "Kenton Road")),
    "havering": (("RM1", "RM3", "RM11"), ("South Street", "Western Road", "Station Lane")),
    "hillingdon": (("UB8", "UB3", "HA4"), ("High Street", "Station Road", "Field End Road")),
    "hounslow": (
        ("TW3", "W4", "TW8"),
        ("Hounslow High Street", "Chiswick High Road", "Great West Road"),
    ),
    "islington": (("N1", "EC1V", "N7"), ("Upper Street", "City Road", "Holloway Road")),
    "kensington-and-chelsea": (
        ("W8", "SW3", "W10"),
        ("Kensington High Street", "King's Road", "Portobello Road"),
    ),
    "kingston-upon-thames": (
        ("KT1", "KT2", "KT6"),
        ("Eden Street", "Clarence Street", "Ewell Road"),
    ),
    "lambeth": (
        ("SE1", "SW9", "SE11"),
        ("Westminster Bridge Road", "Brixton Road", "Kennington Road"),
    ),
    "lewisham": (
        ("SE13", "SE14", "SE8"),
        ("Lewisham High Street", "New Cross Road", "Deptford High Street"),
    ),
    "merton": (("SW19", "CR4", "SM4"), ("The Broadway", "London Road", "Hartfield Road")),
    "newham": (
        ("E15", "E16", "E13"),
        ("Stratford High Street", "Royal Albert Way", "Barking Road"),
    ),
    "redbridge": (("IG1", "IG8", "E18"), ("Cranbrook Road", "Woodford High Road", "George Lane")),
    "richmond-upon-thames": (
        ("TW9", "TW1", "TW11"),
        ("George Street", "York Street", "Broad Street"),
    ),
    "southwark": (
        ("SE1", "SE15", "SE16"),
        ("Borough High Street", "Rye Lane", "Southwark Park Road"),
    ),
    "sutton": (("SM1", "SM2", "SM5"), ("Sutton High Street", "Cheam Road", "Carshalton Road")),
    "tower-hamlets": (("E1", "E14", "E3"), ("Whitechapel Road", "Commercial Street", "Roman Road")),
    "waltham-forest": (("E17", "E10", "E4"), ("Hoe Street", "Lea Bridge Road", "Station Road")),
    "wandsworth": (
        ("SW18", "SW11", "SW17"),
        ("Wandsworth High Street", "Battersea Park Road", "Mitcham Road"),
    ),
    "westminster": (
        ("W1T", "SW1P", "W2"),
        ("Great Portland Street", "Victoria Street", "Praed Street"),
    ),
}

# Where start-ups and SMEs cluster; every borough still has some.
_ORG_BOROUGH_WEIGHTS = {
    "hackney": 14,
    "islington": 12,
    "camden": 12,
    "westminster": 14,
    "tower-hamlets": 12,
    "southwark": 10,
    "city-of-london": 9,
    "lambeth": 7,
    "newham": 5,
    "hammersmith-and-fulham": 5,
    "kensington-and-chelsea": 3,
    "wandsworth": 4,
    "greenwich": 3,
    "lewisham": 3,
    "croydon": 4,
    "haringey": 3,
    "waltham-forest": 3,
    "brent": 3,
    "ealing": 3,
    "hounslow": 3,
}
_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def _ascii_slug(text: str, separator: str = "-") -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    plain = plain.lower().replace("'", "")
    return re.sub(r"[^a-z0-9]+", separator, plain).strip(separator)


def _pick(rng: random.Random, weighted: dict) -> object:
    keys = list(weighted)
    return rng.choices(keys, weights=[weighted[k] for k in keys])[0]


def _lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym (SEO, UX, IT)."""
    first = text.split(" ", 1)[0]
    return text if first.isupper() else text[:1].lower() + text[1:]


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _postcode(rng: random.Random, district: str) -> str:
    letters = rng.choice(_POSTCODE_LETTERS) + rng.choice(_POSTCODE_LETTERS)
    return f"{district} {rng.randint(1, 9)}{letters}"


class _Names:
    """Draws names without repeating a (given, family) pair."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[tuple[str, str]] = set()

    def draw(self, gender: str) -> tuple[str, str]:
        if gender == "woman":
            pool = WOMEN_NAMES
        elif gender == "man":
            pool = MEN_NAMES
        else:
            pool = NEUTRAL_NAMES + WOMEN_NAMES + MEN_NAMES
        for _ in range(50):
            pair = (self._rng.choice(pool), self._rng.choice(FAMILY_NAMES))
            if pair not in self._used and pair[0] != pair[1]:
                break
        self._used.add(pair)
        return pair


# --------------------------------------------------------------------------------------
# Generators
# --------------------------------------------------------------------------------------

_YEAR = 2027


def _equality(rng: random.Random, gender: str, rqf_level: int) -> DemoEquality:
    if rqf_level == 8:
        age = _pick(rng, {"16-24": 10, "25-29": 50, "30+": 35, "prefer-not-to-say": 5})
    elif rqf_level == 7:
        age = _pick(rng, {"16-24": 45, "25-29": 30, "30+": 20, "prefer-not-to-say": 5})
    else:
        age = _pick(rng, {"16-24": 78, "25-29": 10, "30+": 8, "prefer-not-to-say": 4})
    return DemoEquality(
        gender=gender,
        age_band=str(age),
        ethnicity=str(
            _pick(
                rng,
                {
                    "asian": 28,
                    "black": 17,
                    "mixed": 6,
                    "white": 38,
                    "other": 5,
                    "prefer-not-to-say": 6,
                },
            )
        ),
        disability=str(_pick(rng, {"yes": 14, "no": 80, "prefer-not-to-say": 6})),
        first_in_family=str(_pick(rng, {"yes": 40, "no": 52, "prefer-not-to-say": 8})),
        free_school_meals=str(_pick(rng, {"yes": 25, "no": 65, "prefer-not-to-say": 10})),
    )


def _course(rng: random.Random, family: dict, rqf_level: int) -> str:
    subject, science = rng.choice(family["subjects"])
    if rqf_level == 5:
        prefix = rng.choice(("FdSc", "HND") if science else ("FdA", "HND"))
    elif rqf_level == 6:
        prefix = rng.choice(("BSc", "BSc", "BEng")) if science else "BA"
        if prefix == "BEng" and "Engineering" not in subject and "Robotics" not in subject:
            prefix = "BSc"
    elif rqf_level == 7:
        prefix = rng.choice(("MSc", "MSc", "MRes")) if science else rng.choice(("MA", "MA", "MSc"))
    else:
        prefix = "PhD in"
    return f"{prefix} {subject}"


def _student_skills(
    rng: random.Random, family: dict, available: set[str], rqf_level: int
) -> dict[str, int]:
    bonus = {5: -0.3, 6: 0.0, 7: 0.4, 8: 0.7}[rqf_level]
    chosen: list[str] = [
        s
        for s, p in family["skills"].items()
        if s in available and rng.random() < (min(0.95, p * 1.2) if p >= 0.5 else p)
    ]
    if rng.random() < 0.2:  # a second interest from another family
        other = _FAMILIES[rng.choice(sorted(_FAMILIES))]
        extras = [s for s, p in other["skills"].items() if s in available and p >= 0.5]
        chosen += rng.sample(extras, k=min(len(extras), rng.randint(1, 2)))
    chosen += [s for s in _PROFESSIONAL if s in available and rng.random() < 0.12]
    chosen = list(dict.fromkeys(chosen))
    target = min(10, max(3, round(rng.triangular(3, 10, 7))))
    if len(chosen) > target:
        # Keep the skills most typical of the course, with a little chance.
        ranked = sorted(chosen, key=lambda s: -(family["skills"].get(s, 0.2) + 0.35 * rng.random()))
        keep = set(ranked[:target])
        chosen = [s for s in chosen if s in keep]
    pool = sorted(
        (s for s in family["skills"] if s in available and s not in chosen),
        key=lambda s: -family["skills"][s],
    )
    while len(chosen) < 3 and pool:
        chosen.append(pool.pop(0))
    skills: dict[str, int] = {}
    for skill in chosen:
        core = family["skills"].get(skill, 0.0) >= 0.5
        weights = [3, 22, 40, 25, 10] if core else [14, 34, 32, 15, 5]
        level = rng.choices((1, 2, 3, 4, 5), weights=weights)[0]
        if rng.random() < abs(bonus):
            level += 1 if bonus > 0 else -1
        skills[skill] = max(1, min(5, level))
    return skills


def _availability(rng: random.Random, rqf_level: int) -> tuple[date, date]:
    shape = rng.random()
    if shape < 0.75:  # the summer vacation
        start = date(_YEAR, 5, 17) + timedelta(days=rng.randint(0, 24))
        until = date(_YEAR, 9, 10) + timedelta(days=rng.randint(0, 35))
    elif shape < 0.9 or rqf_level == 5:  # a shorter summer window
        start = date(_YEAR, 6, 1) + timedelta(days=rng.randint(0, 30))
        until = start + timedelta(weeks=rng.randint(8, 12))
    else:  # finished studying or flexible: most of the year
        start = date(_YEAR, 1, 4) + timedelta(days=rng.randint(0, 120))
        until = date(_YEAR, 10, 1) + timedelta(days=rng.randint(0, 90))
    return start, min(until, date(_YEAR, 12, 31))


def _graduation(rng: random.Random, rqf_level: int) -> date:
    if rqf_level in (5, 6):
        return date(rng.choice((2028, 2028, 2029)), 6, 30)
    if rqf_level == 7:
        return date(rng.choice((2027, 2028)), 9, 30)
    return date(rng.choice((2028, 2029, 2030)), 9, 30)


def _work_modes(rng: random.Random) -> tuple[str, ...]:
    options = (
        (("on-site", "hybrid", "remote"), 50),
        (("hybrid", "remote"), 22),
        (("on-site", "hybrid"), 15),
        (("hybrid",), 6),
        (("remote",), 4),
        (("on-site",), 3),
    )
    return rng.choices([modes for modes, _ in options], weights=[w for _, w in options])[0]


def _students(
    rng: random.Random, fixtures: Fixtures, count: int, names: _Names
) -> list[tuple[DemoStudent, str]]:
    available = set(fixtures.skills)
    boroughs = list(fixtures.boroughs)
    universities = list(fixtures.universities)
    sectors = list(fixtures.sectors)
    family_weights = {name: family["share"] for name, family in _FAMILIES.items()}
    out: list[tuple[DemoStudent, str]] = []
    for n in range(1, count + 1):
        family_name_key = str(_pick(rng, family_weights))
        family = _FAMILIES[family_name_key]
        gender = str(
            _pick(
                rng,
                {
                    "woman": 38,
                    "man": 55,
                    "non-binary": 2.5,
                    "self-describe": 0.5,
                    "prefer-not-to-say": 4,
                },
            )
        )
        given, surname = names.draw(gender)
        rqf_level = int(_pick(rng, {5: 3, 6: 65, 7: 25, 8: 7}))
        start, until = _availability(rng, rqf_level)
        own = [s for s in family["sectors"] if s in fixtures.sectors]
        k = rng.choice((1, 2, 2, 3))
        chosen_sectors = rng.sample(own, k=min(k, len(own))) if own else []
        if rng.random() < 0.25 or not chosen_sectors:
            chosen_sectors.append(rng.choice(sectors))
        chosen_sectors = list(dict.fromkeys(chosen_sectors))[:3]
        email = f"{_ascii_slug(given, '')}.{_ascii_slug(surname, '')}.{n}@students.example.org"
        student = DemoStudent(
            email=email,
            given_name=given,
            family_name=surname,
            university_id=rng.choice(universities),
            course=_course(rng, family, rqf_level),
            rqf_level=rqf_level,
            expected_graduation=_graduation(rng, rqf_level),
            skills=_student_skills(rng, family, available, rqf_level),
            available_from=start,
            available_until=until,
            hours_per_week=int(_pick(rng, {37: 45, 35: 30, 30: 10, 28: 7, 21: 5, 14: 3})),
            borough=None if rng.random() < 0.03 else rng.choice(boroughs),
            work_modes=_work_modes(rng),
            right_to_work=rng.random() < 0.95,
            sectors=tuple(chosen_sectors),
            submitted=rng.random() < 0.85,
            equality=_equality(rng, gender, rqf_level) if rng.random() < 0.8 else None,
        )
        out.append((student, family_name_key))
    return out


def _companies_house_number(rng: random.Random, used: set[str], llp: bool) -> str:
    while True:
        roll = rng.random()
        if llp:
            number = f"OC{rng.randint(300000, 449999)}"
        elif roll < 0.04:
            number = f"SC{rng.randint(400000, 799999)}"
        elif roll < 0.06:
            number = f"NI{rng.randint(600000, 699999)}"
        else:
            number = f"{rng.randint(7000000, 16999999):08d}"
        if number not in used:
            used.add(number)
            return number


def _organisations(
    rng: random.Random, fixtures: Fixtures, count: int, names: _Names
) -> list[DemoOrganisation]:
    sectors = list(fixtures.sectors)
    borough_weights = {b: _ORG_BOROUGH_WEIGHTS.get(b, 1.5) for b in fixtures.boroughs}
    used_names: set[str] = set()
    used_numbers: set[str] = set()
    out: list[DemoOrganisation] = []
    for _ in range(count):
        sector = rng.choice(sectors)
        suffixes = _SECTOR_SUFFIXES.get(sector, ("Labs", "Digital", "Works"))
        for attempt in range(1000):
            base = f"{rng.choice(_NAME_WORDS)}{rng.choice(('', ' '))}{rng.choice(suffixes)}"
            if attempt >= 50:
                base = f"{base} {attempt}"
            if base not in used_names:
                break
        used_names.add(base)
        llp = sector == "professional-services" and rng.random() < 0.3
        if llp:
            legal = "LLP"
        elif sector == "social-enterprise":
            legal = rng.choice(("CIC", "Ltd"))
        else:
            legal = "Ltd"
        key = _ascii_slug(base)
        startup = rng.random() < 0.55
        if rng.random() < 0.03:
            headcount = rng.randint(250, 600)
        elif startup:
            headcount = min(249, max(1, int(rng.lognormvariate(2.3, 0.8))))
        else:
            headcount = rng.randint(10, 249)
        borough = str(_pick(rng, borough_weights))
        districts, streets = _ADDRESSES.get(borough, (("EC1A",), ("High Street",)))
        district = rng.choice(districts)
        address = f"{rng.randint(1, 240)} {rng.choice(streets)}, London {_postcode(rng, district)}"
        contact_given, contact_family = names.draw(rng.choice(("woman", "man", "any")))
        out.append(
            DemoOrganisation(
                key=key,
                name=f"{base} {legal}",
                companies_house_number=_companies_house_number(rng, used_numbers, llp),
                headcount=headcount,
                startup=startup,
                sector=sector,
                borough=borough,
                address=address,
                contact_name=f"{contact_given} {contact_family}",
                contact_email=(
                    f"{_ascii_slug(contact_given, '')}.{_ascii_slug(contact_family, '')}"
                    f"@{key}.example.com"
                ),
                verified=rng.random() < 0.9,
            )
        )
    return out


def _role(
    rng: random.Random, fixtures: Fixtures, organisation: DemoOrganisation
) -> tuple[DemoRole, str]:
    available = set(fixtures.skills)
    families = _SECTOR_FAMILIES.get(organisation.sector, tuple(_FAMILIES))
    family_weights = {f: _FAMILIES[f]["share"] * (3 if f == families[0] else 1) for f in families}
    family = str(_pick(rng, family_weights))
    title, _, required_pool, desired_pool, level7 = rng.choice(
        [archetype for archetype in _ROLES if archetype[1] == family]
    )
    required_pool = [s for s in required_pool if s in available]
    desired_pool = [s for s in desired_pool if s in available]
    # Most roles require one or two core skills and would like more, as placements in a real
    # programme do: a typical student then meets a fair share of the roles in their field.
    n_required = min(len(required_pool), int(_pick(rng, {1: 45, 2: 45, 3: 10})))
    required = required_pool[:1] + rng.sample(required_pool[1:], k=max(0, n_required - 1))
    desired_pool = desired_pool + [s for s in required_pool if s not in required]
    desired = rng.sample(desired_pool, k=min(len(desired_pool), rng.randint(2, 5)))
    skills: dict[str, tuple[int, int, bool]] = {}
    for skill in required:
        level = rng.choices((1, 2, 3, 4), weights=(20, 60, 18, 2))[0]
        skills[skill] = (level, rng.choice((2, 3, 3)), True)
    for skill in desired:
        if skill not in skills:
            level = rng.choices((1, 2, 3), weights=(35, 45, 20))[0]
            skills[skill] = (level, rng.choice((1, 1, 2)), False)

    weeks = int(_pick(rng, {8: 35, 10: 35, 12: 22, 14: 5, 16: 3}))
    start = _monday_on_or_after(date(_YEAR, 6, 1) + timedelta(days=rng.randint(0, 35)))
    if rng.random() < 0.08:  # an autumn placement
        start = _monday_on_or_after(date(_YEAR, 9, 1) + timedelta(days=rng.randint(0, 21)))
        weeks = min(weeks, 12)  # so that it ends before Christmas
    end = start + timedelta(weeks=weeks) - timedelta(days=3)  # ends on a Friday
    llw = fixtures.living_wage_on(start) or 0
    pay = max(llw, 1480) + int(rng.triangular(0, 720, 120)) // 5 * 5
    work_mode = str(_pick(rng, {"hybrid": 60, "on-site": 25, "remote": 15}))
    borough_name = fixtures.boroughs[organisation.borough].name
    kind = "start-up" if organisation.startup else "growing business"
    sector_label = fixtures.sectors.get(organisation.sector, organisation.sector).lower()
    description = (
        f"{organisation.name} is a {kind} in {borough_name} working in {sector_label}. "
        f"As our {_lower_first(title)}, you will {rng.choice(_ROLE_TASKS[family])}. "
        f"{rng.choice(_ROLE_CLOSINGS)}"
    )
    if not organisation.verified:
        status = "draft"
    else:
        status = "draft" if rng.random() < 0.06 else "published"
    role = DemoRole(
        organisation_key=organisation.key,
        title=title,
        description=description,
        skills=skills,
        places=int(_pick(rng, {1: 35, 2: 40, 3: 25})),
        start=start,
        end=end,
        hours_per_week=int(_pick(rng, {35: 45, 37: 8, 30: 17, 28: 12, 21: 12, 14: 6})),
        borough=organisation.borough,
        work_mode=work_mode,
        pay_pence_per_hour=pay,
        min_rqf_level=7 if rng.random() < level7 else 6,
        status=status,
    )
    return role, family


def _preferences(
    rng: random.Random,
    students: list[tuple[DemoStudent, str]],
    roles: list[tuple[DemoRole, str]],
) -> list[DemoPreference]:
    published = [i for i, (role, _) in enumerate(roles) if role.status == "published"]
    by_family: dict[str, list[int]] = {}
    for i in published:
        by_family.setdefault(roles[i][1], []).append(i)
    out: list[DemoPreference] = []
    for student, family in students:
        if not student.submitted or not published or rng.random() >= 0.5:
            continue
        candidates = by_family.get(family) or published

        def fit(index: int, student: DemoStudent = student) -> float:
            role = roles[index][0]
            score = sum(
                1.0
                for skill, (level, _, req) in role.skills.items()
                if req and student.skills.get(skill, 0) >= level
            )
            return score + rng.random() * 1.5

        shortlist = sorted(
            rng.sample(candidates, k=min(len(candidates), 12)), key=fit, reverse=True
        )
        if rng.random() < 0.3:  # curiosity: one role from anywhere
            shortlist.insert(rng.randint(0, len(shortlist)), rng.choice(published))
        picks = list(dict.fromkeys(shortlist))[
            : int(_pick(rng, {1: 10, 2: 12, 3: 25, 4: 18, 5: 35}))
        ]
        out.extend(
            DemoPreference(student_email=student.email, role_index=index, rank=rank)
            for rank, index in enumerate(picks, start=1)
        )
    return out


def generate(
    fixtures: Fixtures,
    *,
    seed: int = 2026,
    students: int = 600,
    organisations: int = 250,
    roles: int = 400,
) -> DemoData:
    """Generate demo students, organisations, roles and preferences.

    Deterministic: the same fixtures and arguments always give identical output.
    Every organisation has at least one role when ``roles >= organisations``.
    """
    rng = random.Random(seed)
    names = _Names(rng)
    demo_students = _students(rng, fixtures, students, names)
    demo_orgs = _organisations(rng, fixtures, organisations, names)
    demo_roles: list[tuple[DemoRole, str]] = []
    if demo_orgs:
        size_weights = [1 + min(org.headcount, 249) ** 0.5 for org in demo_orgs]
        for n in range(roles):
            if n < len(demo_orgs):
                org = demo_orgs[n]
            else:
                org = rng.choices(demo_orgs, weights=size_weights)[0]
            demo_roles.append(_role(rng, fixtures, org))
    preferences = _preferences(rng, demo_students, demo_roles)
    return DemoData(
        students=[student for student, _ in demo_students],
        organisations=demo_orgs,
        roles=[role for role, _ in demo_roles],
        preferences=preferences,
    )
