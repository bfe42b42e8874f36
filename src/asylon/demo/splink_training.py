"""Training the duplicate-detection model shipped with `matching` on synthetic registrations.

`matching.splink_engine` scores with the parameters in `matching/splink_parameters.json`;
`regenerate_parameters()` trains them again on `synthetic.generate_population` (DuckDB) and
rewrites that file. It lives here, beside the generator, so that `matching` never imports the
demo; run it by hand after changing the model's comparisons.
"""

from __future__ import annotations

import json
import logging

from asylon.matching.splink_engine import PARAMETERS, database_api, frame, settings, train

from .synthetic import generate_population


def regenerate_parameters(n_records: int = 20_000, seed: int = 2024) -> dict:
    """Train on synthetic registrations (DuckDB) and write splink_parameters.json."""
    from splink import Linker

    records, _truth = generate_population(n_records, seed=seed)
    linker = Linker(database_api("duckdb").register(frame(records)), settings(), log_level=logging.WARNING)
    train(linker)
    trained = linker.misc.save_model_to_json()
    parameters = {
        "trained_on_records": n_records,
        "probability_two_random_records_match": trained["probability_two_random_records_match"],
        "comparisons": {
            c["output_column_name"]: {
                "m": [level["m_probability"] for level in c["comparison_levels"] if not level.get("is_null_level")],
                "u": [level["u_probability"] for level in c["comparison_levels"] if not level.get("is_null_level")],
            }
            for c in trained["comparisons"]
        },
    }
    PARAMETERS.write_text(json.dumps(parameters, indent=2) + "\n")
    return parameters
