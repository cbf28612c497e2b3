"""Secure aggregation with distributed differential privacy (``concordia.secagg``).

The hub learns the sum of the nodes' vectors and nothing else (Bonawitz et al., "Practical
Secure Aggregation for Privacy-Preserving Machine Learning", CCS 2017, with double masking and
t-of-n Shamir shares); each node signs what it saw and checks everyone else saw the same before
revealing anything; each node keeps a log of releases, refuses a release that would isolate one
node, and an epsilon ledger. See docs/secure-aggregation.md.
"""

from concordia.secagg._aggregator import Aggregation, RoundFailed, SecureSum
from concordia.secagg._guard import isolated
from concordia.secagg._noise import laplace_variance, noise_parts, noise_share
from concordia.secagg._participant import InputSource, Participant, Refused, verify_release
from concordia.secagg._round import (
    REQUESTS,
    RESPONSES,
    STEPS,
    Advertisement,
    ConsistencyRequest,
    ConsistencySignature,
    EncryptedShares,
    MaskedInput,
    MaskedInputRequest,
    Refusal,
    Release,
    RoundHeader,
    ShareKeysRequest,
    Statement,
    UnmaskRequest,
    UnmaskShares,
)
from concordia.secagg._signed import (
    Identity,
    KeyDirectory,
    KeyIdentity,
    Verifier,
    canonical,
    digest,
    key_identities,
)
from concordia.secagg._store import FileStore, MemoryStore, ParticipantStore

__all__ = [
    "REQUESTS",
    "RESPONSES",
    "STEPS",
    "Advertisement",
    "Aggregation",
    "ConsistencyRequest",
    "ConsistencySignature",
    "EncryptedShares",
    "FileStore",
    "Identity",
    "InputSource",
    "KeyDirectory",
    "KeyIdentity",
    "MaskedInput",
    "MaskedInputRequest",
    "MemoryStore",
    "Participant",
    "ParticipantStore",
    "Refusal",
    "Refused",
    "Release",
    "RoundFailed",
    "RoundHeader",
    "SecureSum",
    "ShareKeysRequest",
    "Statement",
    "UnmaskRequest",
    "UnmaskShares",
    "Verifier",
    "canonical",
    "digest",
    "isolated",
    "key_identities",
    "laplace_variance",
    "noise_parts",
    "noise_share",
    "verify_release",
]
