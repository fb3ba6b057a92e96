"""One row of the benchmark table: a library's best repeat on one case."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    """The best of the repeats of one library on one case (or predict mode).

    Attributes
    ----------
    case : str
        Label of the table row's case: the case id, with the predict mode
        appended for the predict case (e.g. ``"predict (b) 100-row batches"``).
    case_id : str
        The case's id.
    library : str
    dtype : str
        The dtype column's text.
    value : float
        Seconds per epoch or per iteration, or rows per second (see ``unit``).
    unit : {"s/epoch", "s/iteration", "rows/s"}
    score : float
        Test accuracy (classification) or R² (regression).
    score_name : {"accuracy", "R²"}
    n_iter : int or None
        ``n_iter_``, given where it varies (early stopping, L-BFGS).
    target : float or None
        The ratio sknn should reach.
    score_tolerance : float or None
        How far sknn's test score may be from scikit-learn's.
    peak_mb : float or None
        Peak memory of the fit above the baseline, in MB; None: not measured.
    floor_target : float or None
        The most sknn's time may be as a multiple of the floor's.
    relative_to : (str, float) or None
        ``(case id, factor)``: the most sknn's time may be as a multiple of
        sknn's time on that case.
    """

    case: str
    case_id: str
    library: str
    dtype: str
    value: float
    unit: str
    score: float
    score_name: str
    n_iter: int = None
    target: float = None
    score_tolerance: float = None
    peak_mb: float = None
    floor_target: float = None
    relative_to: tuple = None

    @property
    def higher_is_better(self):
        """Rows per second: higher is better; seconds: lower is."""
        return self.unit == "rows/s"
