"""Contains all the data models used in inputs/outputs"""

from .activity_create import ActivityCreate
from .activity_create_country import ActivityCreateCountry
from .activity_create_kind import ActivityCreateKind
from .activity_read import ActivityRead
from .activity_read_participants_by_gender import ActivityReadParticipantsByGender
from .activity_read_participants_by_origin import ActivityReadParticipantsByOrigin
from .activity_update import ActivityUpdate
from .activity_update_country import ActivityUpdateCountry
from .activity_update_kind import ActivityUpdateKind
from .aggregates_read import AggregatesRead
from .aggregates_read_snapshots_item import AggregatesReadSnapshotsItem
from .by_gender import ByGender
from .by_origin import ByOrigin
from .coalition_decision_published import CoalitionDecisionPublished
from .coalition_decision_published_status import CoalitionDecisionPublishedStatus
from .coalition_document import CoalitionDocument
from .coalition_document_body import CoalitionDocumentBody
from .coalition_document_kind import CoalitionDocumentKind
from .conflict_problem_details import ConflictProblemDetails
from .donor_create import DonorCreate
from .donor_create_country import DonorCreateCountry
from .donor_create_type import DonorCreateType
from .donor_read import DonorRead
from .donor_update import DonorUpdate
from .donor_update_country import DonorUpdateCountry
from .donor_update_type import DonorUpdateType
from .feed_donor import FeedDonor
from .feed_donor_type import FeedDonorType
from .feed_grant import FeedGrant
from .feed_grant_horizon_type_0 import FeedGrantHorizonType0
from .feed_grant_visibility_type_0 import FeedGrantVisibilityType0
from .feed_page_doc import FeedPageDoc
from .feed_recipient import FeedRecipient
from .feed_recipient_type import FeedRecipientType
from .feed_transaction import FeedTransaction
from .feed_transaction_type import FeedTransactionType
from .follow_up import FollowUp
from .grant_create import GrantCreate
from .grant_create_goals_item import GrantCreateGoalsItem
from .grant_create_horizon import GrantCreateHorizon
from .grant_create_purpose import GrantCreatePurpose
from .grant_create_visibility import GrantCreateVisibility
from .grant_read import GrantRead
from .grant_sync import GrantSync
from .grant_sync_goals_item import GrantSyncGoalsItem
from .grant_sync_horizon import GrantSyncHorizon
from .grant_sync_purpose import GrantSyncPurpose
from .grant_sync_visibility import GrantSyncVisibility
from .grant_update import GrantUpdate
from .grant_update_goals_item import GrantUpdateGoalsItem
from .grant_update_horizon import GrantUpdateHorizon
from .grant_update_purpose import GrantUpdatePurpose
from .grant_update_visibility import GrantUpdateVisibility
from .invalid_field import InvalidField
from .member_signature import MemberSignature
from .ops_healthz_response_ops_healthz import OpsHealthzResponseOpsHealthz
from .ops_readyz_response_ops_readyz import OpsReadyzResponseOpsReadyz
from .overlap_peer_read import OverlapPeerRead
from .overlap_read import OverlapRead
from .overlaps_list_purpose import OverlapsListPurpose
from .overlaps_read import OverlapsRead
from .page_donor_read import PageDonorRead
from .page_grant_read import PageGrantRead
from .problem_details import ProblemDetails
from .rate_in import RateIn
from .rate_in_currency import RateInCurrency
from .rate_read import RateRead
from .rates_list_currency import RatesListCurrency
from .rates_loaded import RatesLoaded
from .recipient_read import RecipientRead
from .recipient_read_type import RecipientReadType
from .recipient_ref_type_0 import RecipientRefType0
from .recipient_ref_type_1 import RecipientRefType1
from .recipient_ref_type_2 import RecipientRefType2
from .record_error import RecordError
from .secure_release import SecureRelease
from .secure_table_state import SecureTableState
from .signature import Signature
from .signed_document import SignedDocument
from .signed_document_body import SignedDocumentBody
from .sync_grants_body import SyncGrantsBody
from .sync_report import SyncReport
from .sync_report_counts import SyncReportCounts
from .sync_result import SyncResult
from .sync_result_status import SyncResultStatus
from .totals import Totals
from .transaction_create import TransactionCreate
from .transaction_create_currency import TransactionCreateCurrency
from .transaction_create_type import TransactionCreateType
from .transaction_read import TransactionRead
from .validation_problem_details import ValidationProblemDetails

__all__ = (
    "ActivityCreate",
    "ActivityCreateCountry",
    "ActivityCreateKind",
    "ActivityRead",
    "ActivityReadParticipantsByGender",
    "ActivityReadParticipantsByOrigin",
    "ActivityUpdate",
    "ActivityUpdateCountry",
    "ActivityUpdateKind",
    "AggregatesRead",
    "AggregatesReadSnapshotsItem",
    "ByGender",
    "ByOrigin",
    "CoalitionDecisionPublished",
    "CoalitionDecisionPublishedStatus",
    "CoalitionDocument",
    "CoalitionDocumentBody",
    "CoalitionDocumentKind",
    "ConflictProblemDetails",
    "DonorCreate",
    "DonorCreateCountry",
    "DonorCreateType",
    "DonorRead",
    "DonorUpdate",
    "DonorUpdateCountry",
    "DonorUpdateType",
    "FeedDonor",
    "FeedDonorType",
    "FeedGrant",
    "FeedGrantHorizonType0",
    "FeedGrantVisibilityType0",
    "FeedPageDoc",
    "FeedRecipient",
    "FeedRecipientType",
    "FeedTransaction",
    "FeedTransactionType",
    "FollowUp",
    "GrantCreate",
    "GrantCreateGoalsItem",
    "GrantCreateHorizon",
    "GrantCreatePurpose",
    "GrantCreateVisibility",
    "GrantRead",
    "GrantSync",
    "GrantSyncGoalsItem",
    "GrantSyncHorizon",
    "GrantSyncPurpose",
    "GrantSyncVisibility",
    "GrantUpdate",
    "GrantUpdateGoalsItem",
    "GrantUpdateHorizon",
    "GrantUpdatePurpose",
    "GrantUpdateVisibility",
    "InvalidField",
    "MemberSignature",
    "OpsHealthzResponseOpsHealthz",
    "OpsReadyzResponseOpsReadyz",
    "OverlapPeerRead",
    "OverlapRead",
    "OverlapsListPurpose",
    "OverlapsRead",
    "PageDonorRead",
    "PageGrantRead",
    "ProblemDetails",
    "RateIn",
    "RateInCurrency",
    "RateRead",
    "RatesListCurrency",
    "RatesLoaded",
    "RecipientRead",
    "RecipientReadType",
    "RecipientRefType0",
    "RecipientRefType1",
    "RecipientRefType2",
    "RecordError",
    "SecureRelease",
    "SecureTableState",
    "Signature",
    "SignedDocument",
    "SignedDocumentBody",
    "SyncGrantsBody",
    "SyncReport",
    "SyncReportCounts",
    "SyncResult",
    "SyncResultStatus",
    "Totals",
    "TransactionCreate",
    "TransactionCreateCurrency",
    "TransactionCreateType",
    "TransactionRead",
    "ValidationProblemDetails",
)
