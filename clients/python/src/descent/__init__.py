"""Python client of the Descent experiment service.

    import descent
    client = descent.Client("http://127.0.0.1:8080")
    study = client.wait(client.run_preset("momentum"))      # SGD vs momentum vs Adam
    client.plot_loss(study).figure.savefig("loss.png")

See clients/python/README.md for the whole API.
"""
from .analysis import Analysis
from .client import BATCH_LIMIT, Client
from .errors import APIError, DescentError, FieldError, TransportError, WaitTimeout
from .models import (FINAL_STATUSES, BatchItem, CriticalPoint, EpochRecord, Event, Experiment, Landscape,
                     LayerStatsRecord, Preset, Progress,
                     RunError, SharpnessRecord, Spectrum, Study, StudyRow, Summary, Surface, Trajectory)
from ._transport import RequestRecord
from ._version import __version__


__all__ = [
    "Analysis", "APIError", "BATCH_LIMIT", "BatchItem", "Client", "CriticalPoint", "DescentError", "EpochRecord",
    "Event", "Experiment", "FieldError", "FINAL_STATUSES", "Landscape", "LayerStatsRecord", "Preset", "Progress",
    "RequestRecord", "RunError", "SharpnessRecord", "Spectrum", "Study", "StudyRow", "Summary", "Surface", "Trajectory", "TransportError", "WaitTimeout", "__version__",
]
