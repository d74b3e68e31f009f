"""London's 33 local authority areas and the straight-line distance between them.

The coordinates are approximate geographic centres (centroids) of the 32 London boroughs and the
City of London, in decimal degrees to 4 d.p., as can be read from ONS boundary data (Local Authority
Districts, December boundaries) or OpenStreetMap administrative boundaries. Coordinates are facts;
the values here are rounded approximations, good to about a kilometre, ample for scoring travel.
"""

from __future__ import annotations

import math
from functools import lru_cache

EARTH_RADIUS_KM = 6371.0088

#: Borough id -> (name, latitude, longitude).
BOROUGHS: dict[str, tuple[str, float, float]] = {
    "barking-and-dagenham": ("Barking and Dagenham", 51.5465, 0.1293),
    "barnet": ("Barnet", 51.6252, -0.1517),
    "bexley": ("Bexley", 51.4549, 0.1505),
    "brent": ("Brent", 51.5588, -0.2817),
    "bromley": ("Bromley", 51.3727, 0.0512),
    "camden": ("Camden", 51.5517, -0.1588),
    "city-of-london": ("City of London", 51.5155, -0.0922),
    "croydon": ("Croydon", 51.3627, -0.0870),
    "ealing": ("Ealing", 51.5130, -0.3089),
    "enfield": ("Enfield", 51.6482, -0.0808),
    "greenwich": ("Greenwich", 51.4735, 0.0650),
    "hackney": ("Hackney", 51.5450, -0.0553),
    "hammersmith-and-fulham": ("Hammersmith and Fulham", 51.4990, -0.2291),
    "haringey": ("Haringey", 51.5906, -0.1110),
    "harrow": ("Harrow", 51.5898, -0.3346),
    "havering": ("Havering", 51.5577, 0.2359),
    "hillingdon": ("Hillingdon", 51.5352, -0.4481),
    "hounslow": ("Hounslow", 51.4609, -0.3731),
    "islington": ("Islington", 51.5465, -0.1058),
    "kensington-and-chelsea": ("Kensington and Chelsea", 51.5020, -0.1947),
    "kingston-upon-thames": ("Kingston upon Thames", 51.3925, -0.2862),
    "lambeth": ("Lambeth", 51.4607, -0.1163),
    "lewisham": ("Lewisham", 51.4452, -0.0209),
    "merton": ("Merton", 51.4098, -0.1880),
    "newham": ("Newham", 51.5255, 0.0352),
    "redbridge": ("Redbridge", 51.5901, 0.0819),
    "richmond-upon-thames": ("Richmond upon Thames", 51.4479, -0.3260),
    "southwark": ("Southwark", 51.4734, -0.0755),
    "sutton": ("Sutton", 51.3618, -0.1945),
    "tower-hamlets": ("Tower Hamlets", 51.5203, -0.0293),
    "waltham-forest": ("Waltham Forest", 51.5908, -0.0134),
    "wandsworth": ("Wandsworth", 51.4567, -0.1910),
    "westminster": ("Westminster", 51.5130, -0.1600),
}

BOROUGH_IDS: tuple[str, ...] = tuple(sorted(BOROUGHS))


def travel_km(a: str, b: str) -> float:
    """Great-circle (haversine) distance in km between two borough centroids.

    Parameters
    ----------
    a, b : str
        Borough ids, keys of :data:`BOROUGHS`.

    Returns
    -------
    float
        Distance in kilometres; 0.0 when ``a == b``.

    Notes
    -----
    ``d = 2 R asin(sqrt(sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2)))`` with ``R = 6371.0088`` km.

    Examples
    --------
    >>> round(travel_km("camden", "hackney"), 1)
    7.2
    """
    _, lat1, lon1 = BOROUGHS[a]
    _, lat2, lon2 = BOROUGHS[b]
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    h = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


@lru_cache(maxsize=1)
def distance_table_km() -> tuple[tuple[float, ...], ...]:
    """Distances between all boroughs, rows and columns in :data:`BOROUGH_IDS` order.

    Returns
    -------
    tuple of tuple of float, shape (33, 33)
        ``table[i][j] == travel_km(BOROUGH_IDS[i], BOROUGH_IDS[j])``.
    """
    return tuple(tuple(travel_km(a, b) for b in BOROUGH_IDS) for a in BOROUGH_IDS)
