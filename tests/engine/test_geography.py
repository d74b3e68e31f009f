"""The borough table and distances."""

import itertools

import pytest

from matching import BOROUGHS, travel_km

EXPECTED_IDS = {
    "barking-and-dagenham",
    "barnet",
    "bexley",
    "brent",
    "bromley",
    "camden",
    "city-of-london",
    "croydon",
    "ealing",
    "enfield",
    "greenwich",
    "hackney",
    "hammersmith-and-fulham",
    "haringey",
    "harrow",
    "havering",
    "hillingdon",
    "hounslow",
    "islington",
    "kensington-and-chelsea",
    "kingston-upon-thames",
    "lambeth",
    "lewisham",
    "merton",
    "newham",
    "redbridge",
    "richmond-upon-thames",
    "southwark",
    "sutton",
    "tower-hamlets",
    "waltham-forest",
    "wandsworth",
    "westminster",
}


def test_the_table_holds_exactly_londons_33_local_authority_areas():
    assert set(BOROUGHS) == EXPECTED_IDS


def test_every_centroid_lies_in_greater_london_with_four_decimals():
    for name, lat, lon in BOROUGHS.values():
        assert name
        assert 51.28 < lat < 51.70 and -0.52 < lon < 0.34
        assert round(lat, 4) == lat and round(lon, 4) == lon


def test_travel_is_zero_to_itself_and_symmetric():
    for a, b in itertools.combinations(sorted(BOROUGHS), 2):
        assert travel_km(a, b) == pytest.approx(travel_km(b, a))
        assert travel_km(a, b) > 0
    assert travel_km("camden", "camden") == 0.0


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        ("camden", "islington", 1, 6),
        ("city-of-london", "westminster", 2, 6),
        ("havering", "hillingdon", 40, 55),
        ("croydon", "enfield", 28, 36),
    ],
)
def test_distances_between_known_boroughs_are_plausible(a, b, low, high):
    assert low < travel_km(a, b) < high
