"""Contains all the data models used in inputs/outputs"""

from .aggregates_read import AggregatesRead
from .aggregates_read_snapshots_item import AggregatesReadSnapshotsItem
from .audit_read import AuditRead
from .change_read import ChangeRead
from .change_read_entity import ChangeReadEntity
from .change_read_op import ChangeReadOp
from .coalition_decision_published import CoalitionDecisionPublished
from .coalition_decision_published_status import CoalitionDecisionPublishedStatus
from .coalition_document import CoalitionDocument
from .coalition_document_body import CoalitionDocumentBody
from .coalition_document_kind import CoalitionDocumentKind
from .conflict_problem_details import ConflictProblemDetails
from .consent_create import ConsentCreate
from .consent_create_purpose import ConsentCreatePurpose
from .consent_read import ConsentRead
from .family_member import FamilyMember
from .family_member_relation import FamilyMemberRelation
from .feeds_code_lists_response_feeds_code_lists import FeedsCodeListsResponseFeedsCodeLists
from .feeds_event_contracts_response_feeds_event_contracts import (
    FeedsEventContractsResponseFeedsEventContracts,
)
from .follow_up import FollowUp
from .invalid_field import InvalidField
from .member_signature import MemberSignature
from .membership_create import MembershipCreate
from .membership_read import MembershipRead
from .ops_healthz_response_ops_healthz import OpsHealthzResponseOpsHealthz
from .ops_readyz_response_ops_readyz import OpsReadyzResponseOpsReadyz
from .organisation_create import OrganisationCreate
from .organisation_create_languages_item import OrganisationCreateLanguagesItem
from .organisation_create_regions_of_focus_item import OrganisationCreateRegionsOfFocusItem
from .organisation_create_registration_country import OrganisationCreateRegistrationCountry
from .organisation_create_represents_item import OrganisationCreateRepresentsItem
from .organisation_create_type import OrganisationCreateType
from .organisation_read import OrganisationRead
from .organisation_sync import OrganisationSync
from .organisation_sync_languages_item import OrganisationSyncLanguagesItem
from .organisation_sync_regions_of_focus_item import OrganisationSyncRegionsOfFocusItem
from .organisation_sync_registration_country import OrganisationSyncRegistrationCountry
from .organisation_sync_represents_item import OrganisationSyncRepresentsItem
from .organisation_sync_type import OrganisationSyncType
from .organisation_update import OrganisationUpdate
from .organisation_update_languages_item import OrganisationUpdateLanguagesItem
from .organisation_update_regions_of_focus_item import OrganisationUpdateRegionsOfFocusItem
from .organisation_update_registration_country import OrganisationUpdateRegistrationCountry
from .organisation_update_represents_item import OrganisationUpdateRepresentsItem
from .organisation_update_type import OrganisationUpdateType
from .page_audit_read import PageAuditRead
from .page_change_read import PageChangeRead
from .page_organisation_read import PageOrganisationRead
from .page_permit_read import PagePermitRead
from .page_person_read import PagePersonRead
from .permit_create import PermitCreate
from .permit_create_host_country import PermitCreateHostCountry
from .permit_create_status import PermitCreateStatus
from .permit_create_track import PermitCreateTrack
from .permit_read import PermitRead
from .permit_update import PermitUpdate
from .permit_update_status import PermitUpdateStatus
from .permit_update_track import PermitUpdateTrack
from .permits_list_status_type_0 import PermitsListStatusType0
from .person_create import PersonCreate
from .person_create_ethnic_origin_type_0 import PersonCreateEthnicOriginType0
from .person_create_gender import PersonCreateGender
from .person_create_host_country import PersonCreateHostCountry
from .person_create_national_minority_type_0 import PersonCreateNationalMinorityType0
from .person_create_profession_category_type_0 import PersonCreateProfessionCategoryType0
from .person_create_region_of_origin_type_0 import PersonCreateRegionOfOriginType0
from .person_create_risk_level import PersonCreateRiskLevel
from .person_create_vulnerabilities_item import PersonCreateVulnerabilitiesItem
from .person_read import PersonRead
from .person_read_family_item import PersonReadFamilyItem
from .person_sync import PersonSync
from .person_sync_ethnic_origin_type_0 import PersonSyncEthnicOriginType0
from .person_sync_gender import PersonSyncGender
from .person_sync_host_country import PersonSyncHostCountry
from .person_sync_national_minority_type_0 import PersonSyncNationalMinorityType0
from .person_sync_profession_category_type_0 import PersonSyncProfessionCategoryType0
from .person_sync_region_of_origin_type_0 import PersonSyncRegionOfOriginType0
from .person_sync_risk_level import PersonSyncRiskLevel
from .person_sync_vulnerabilities_item import PersonSyncVulnerabilitiesItem
from .person_update import PersonUpdate
from .person_update_ethnic_origin_type_0 import PersonUpdateEthnicOriginType0
from .person_update_gender import PersonUpdateGender
from .person_update_host_country import PersonUpdateHostCountry
from .person_update_national_minority_type_0 import PersonUpdateNationalMinorityType0
from .person_update_profession_category_type_0 import PersonUpdateProfessionCategoryType0
from .person_update_region_of_origin_type_0 import PersonUpdateRegionOfOriginType0
from .person_update_risk_level import PersonUpdateRiskLevel
from .person_update_vulnerabilities_item import PersonUpdateVulnerabilitiesItem
from .problem_details import ProblemDetails
from .record_error import RecordError
from .screen_match import ScreenMatch
from .screen_match_kind import ScreenMatchKind
from .screen_request import ScreenRequest
from .screen_result import ScreenResult
from .screen_text import ScreenText
from .secure_release import SecureRelease
from .secure_table_state import SecureTableState
from .signature import Signature
from .signed_document import SignedDocument
from .signed_document_body import SignedDocumentBody
from .sync_organisations_body import SyncOrganisationsBody
from .sync_persons_body import SyncPersonsBody
from .sync_report import SyncReport
from .sync_report_counts import SyncReportCounts
from .sync_result import SyncResult
from .sync_result_status import SyncResultStatus
from .validation_problem_details import ValidationProblemDetails

__all__ = (
    "AggregatesRead",
    "AggregatesReadSnapshotsItem",
    "AuditRead",
    "ChangeRead",
    "ChangeReadEntity",
    "ChangeReadOp",
    "CoalitionDecisionPublished",
    "CoalitionDecisionPublishedStatus",
    "CoalitionDocument",
    "CoalitionDocumentBody",
    "CoalitionDocumentKind",
    "ConflictProblemDetails",
    "ConsentCreate",
    "ConsentCreatePurpose",
    "ConsentRead",
    "FamilyMember",
    "FamilyMemberRelation",
    "FeedsCodeListsResponseFeedsCodeLists",
    "FeedsEventContractsResponseFeedsEventContracts",
    "FollowUp",
    "InvalidField",
    "MemberSignature",
    "MembershipCreate",
    "MembershipRead",
    "OpsHealthzResponseOpsHealthz",
    "OpsReadyzResponseOpsReadyz",
    "OrganisationCreate",
    "OrganisationCreateLanguagesItem",
    "OrganisationCreateRegionsOfFocusItem",
    "OrganisationCreateRegistrationCountry",
    "OrganisationCreateRepresentsItem",
    "OrganisationCreateType",
    "OrganisationRead",
    "OrganisationSync",
    "OrganisationSyncLanguagesItem",
    "OrganisationSyncRegionsOfFocusItem",
    "OrganisationSyncRegistrationCountry",
    "OrganisationSyncRepresentsItem",
    "OrganisationSyncType",
    "OrganisationUpdate",
    "OrganisationUpdateLanguagesItem",
    "OrganisationUpdateRegionsOfFocusItem",
    "OrganisationUpdateRegistrationCountry",
    "OrganisationUpdateRepresentsItem",
    "OrganisationUpdateType",
    "PageAuditRead",
    "PageChangeRead",
    "PageOrganisationRead",
    "PagePermitRead",
    "PagePersonRead",
    "PermitCreate",
    "PermitCreateHostCountry",
    "PermitCreateStatus",
    "PermitCreateTrack",
    "PermitRead",
    "PermitUpdate",
    "PermitUpdateStatus",
    "PermitUpdateTrack",
    "PermitsListStatusType0",
    "PersonCreate",
    "PersonCreateEthnicOriginType0",
    "PersonCreateGender",
    "PersonCreateHostCountry",
    "PersonCreateNationalMinorityType0",
    "PersonCreateProfessionCategoryType0",
    "PersonCreateRegionOfOriginType0",
    "PersonCreateRiskLevel",
    "PersonCreateVulnerabilitiesItem",
    "PersonRead",
    "PersonReadFamilyItem",
    "PersonSync",
    "PersonSyncEthnicOriginType0",
    "PersonSyncGender",
    "PersonSyncHostCountry",
    "PersonSyncNationalMinorityType0",
    "PersonSyncProfessionCategoryType0",
    "PersonSyncRegionOfOriginType0",
    "PersonSyncRiskLevel",
    "PersonSyncVulnerabilitiesItem",
    "PersonUpdate",
    "PersonUpdateEthnicOriginType0",
    "PersonUpdateGender",
    "PersonUpdateHostCountry",
    "PersonUpdateNationalMinorityType0",
    "PersonUpdateProfessionCategoryType0",
    "PersonUpdateRegionOfOriginType0",
    "PersonUpdateRiskLevel",
    "PersonUpdateVulnerabilitiesItem",
    "ProblemDetails",
    "RecordError",
    "ScreenMatch",
    "ScreenMatchKind",
    "ScreenRequest",
    "ScreenResult",
    "ScreenText",
    "SecureRelease",
    "SecureTableState",
    "Signature",
    "SignedDocument",
    "SignedDocumentBody",
    "SyncOrganisationsBody",
    "SyncPersonsBody",
    "SyncReport",
    "SyncReportCounts",
    "SyncResult",
    "SyncResultStatus",
    "ValidationProblemDetails",
)
