//! The permission policy: role × scope × action → allow or deny, decided here and nowhere else.
//!
//! Data in, decision out. The web layer builds an [`Actor`] once per request (from the user's role grants) and a
//! [`Place`] for the object (its position in the grid), and asks [`Actor::can`]. For lists it asks
//! [`Actor::list_scope`], which the store turns into a `WHERE` clause. Handlers never re-derive a rule.
//!
//! Personal data follows PIPL's "minimum necessary" principle: phones and birth years are shown unmasked only to
//! roles that work with the person (staff of the community, the building head of the building, the person's own
//! household); the tags PIPL counts as sensitive (health, financial status, minors: see
//! [`crate::grid::Tag::is_sensitive`]) only to staff, who keep the care records.

use serde::{Deserialize, Serialize};

/// What a user may be, always on a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the platform: every community.
    Admin,
    /// Social worker or committee staff of one community.
    Staff,
    /// 楼栋长, on one or more buildings.
    BuildingHead,
    /// Leads one micro-group.
    GroupLeader,
    /// A volunteer of one community.
    Volunteer,
    /// A resident, on their own household.
    Resident,
}

impl Role {
    pub const ALL: [Role; 6] =
        [Role::Admin, Role::Staff, Role::BuildingHead, Role::GroupLeader, Role::Volunteer, Role::Resident];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
            Role::BuildingHead => "building_head",
            Role::GroupLeader => "group_leader",
            Role::Volunteer => "volunteer",
            Role::Resident => "resident",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// The kind of scope this role is granted on.
    pub fn scope_kind(self) -> ScopeKind {
        match self {
            Role::Admin => ScopeKind::Platform,
            Role::Staff | Role::Volunteer => ScopeKind::Community,
            Role::BuildingHead => ScopeKind::Building,
            Role::GroupLeader => ScopeKind::Group,
            Role::Resident => ScopeKind::Household,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    Platform,
    Community,
    Building,
    Group,
    Household,
}

impl ScopeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeKind::Platform => "platform",
            ScopeKind::Community => "community",
            ScopeKind::Building => "building",
            ScopeKind::Group => "group",
            ScopeKind::Household => "household",
        }
    }

    pub fn parse(s: &str) -> Option<ScopeKind> {
        [ScopeKind::Platform, ScopeKind::Community, ScopeKind::Building, ScopeKind::Group, ScopeKind::Household]
            .into_iter()
            .find(|k| k.as_str() == s.trim())
    }
}

/// One role on one scope. `community_id` is the community the scope lies in (none for the platform), so that
/// isolation between communities never depends on a lookup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub scope_kind: ScopeKind,
    pub scope_id: Option<i64>,
    pub community_id: Option<i64>,
}

/// The person asking, with everything the policy needs to know about them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: i64,
    pub grants: Vec<Grant>,
}

/// Where an object sits in the grid. Fields below the object's level are `None`
/// (a building has no household).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Place {
    pub community_id: i64,
    pub building_id: Option<i64>,
    pub household_id: Option<i64>,
}

impl Place {
    pub fn community(community_id: i64) -> Self {
        Place { community_id, building_id: None, household_id: None }
    }

    pub fn building(community_id: i64, building_id: i64) -> Self {
        Place { community_id, building_id: Some(building_id), household_id: None }
    }

    pub fn household(community_id: i64, building_id: i64, household_id: i64) -> Self {
        Place { community_id, building_id: Some(building_id), household_id: Some(household_id) }
    }
}

/// Everything a user can try to do to something in the grid and around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// See the place and the people in it (masked).
    ViewGrid,
    /// Create or change courtyards, buildings, households, residents.
    EditGrid,
    /// Create courtyards and buildings: the shape of the community, which only staff change.
    EditCommunityLayout,
    /// See phone numbers and birth years unmasked.
    ViewPersonal,
    /// See the tags PIPL counts as sensitive.
    ViewSensitiveTags,
    /// Upload a roster spreadsheet.
    ImportRoster,
    /// Download the roster as a spreadsheet.
    ExportRoster,
    /// Read the audit log.
    ViewAudit,
    /// List accounts and reset their passwords.
    ManageUsers,
    /// Submit a micro-wish for a household: the resident for their own, staff and building heads on someone's
    /// behalf (a proxy entry from the wish box, the smiley wall or a visit).
    SubmitWish,
    /// Publish or reject submitted wishes, revoke claims, close and confirm on a wisher's behalf.
    ReviewWish,
    /// Claim a published wish and work on it.
    ClaimWish,
    /// Confirm or correct volunteers' service records (志愿服务记录).
    ConfirmService,
    /// Pair a helper with a resident (帮扶对子) and end pairings.
    ManageHelpPairs,
    /// Create and change events, sign anyone of the community up (代报名), check people in.
    ManageEvents,
    /// Sign up for events: a resident for their household (themselves, their children).
    SignUpForEvent,
    /// Take a volunteer shift at an event (志愿岗位), or be put on one by staff: volunteers and staff.
    VolunteerAtEvent,
    /// Give feedback on an event for one's household; whether they came is `event::followup`'s rule.
    GiveEventFeedback,
    /// Read and export the events ledger (活动台账): staff, who answer to the funder for it.
    ViewEventLedger,
}

/// What rows of a list an actor may see, for the store to turn into a filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListScope {
    Everything,
    Communities(Vec<i64>),
    Buildings(Vec<i64>),
    Households(Vec<i64>),
    Nothing,
}

impl Actor {
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// The households this actor lives in (their resident grants).
    pub fn own_households(&self) -> Vec<i64> {
        self.grants.iter().filter(|g| g.role == Role::Resident).filter_map(|g| g.scope_id).collect()
    }

    /// Whether this actor lives in `household_id` (`None`: no household, never).
    pub fn lives_in(&self, household_id: Option<i64>) -> bool {
        household_id.is_some() && self.grants.iter().any(|g| g.role == Role::Resident && g.scope_id == household_id)
    }

    pub fn is_admin(&self) -> bool {
        self.has_role(Role::Admin)
    }

    /// The community this user belongs to, if any (the first scoped grant's). Admins have none.
    pub fn home_community(&self) -> Option<i64> {
        self.grants.iter().find_map(|g| g.community_id)
    }

    /// The one decision: may this actor do this at this place?
    pub fn can(&self, action: Action, place: &Place) -> bool {
        self.grants.iter().any(|grant| grant_allows(grant, action, place))
    }

    /// The rows of the grid this actor may see for `action`, as a filter.
    pub fn list_scope(&self, action: Action) -> ListScope {
        if self.grants.iter().any(|g| g.role == Role::Admin && role_allows(Role::Admin, action)) {
            return ListScope::Everything;
        }
        let scoped = |role: Role| -> Vec<i64> {
            let mut ids: Vec<i64> = self
                .grants
                .iter()
                .filter(|g| g.role == role && role_allows(role, action))
                .filter_map(|g| g.scope_id)
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        // The widest scope wins: a staff member who is also a resident sees the community.
        let communities = scoped(Role::Staff);
        if !communities.is_empty() {
            return ListScope::Communities(communities);
        }
        let buildings = scoped(Role::BuildingHead);
        if !buildings.is_empty() {
            return ListScope::Buildings(buildings);
        }
        let households = scoped(Role::Resident);
        if !households.is_empty() {
            return ListScope::Households(households);
        }
        ListScope::Nothing
    }
}

/// What each role may do at all, before the scope is looked at.
fn role_allows(role: Role, action: Action) -> bool {
    use Action::*;
    match role {
        Role::Admin | Role::Staff => true,
        Role::BuildingHead => matches!(action, ViewGrid | EditGrid | ViewPersonal | SubmitWish | ClaimWish),
        Role::Resident => matches!(action, ViewGrid | ViewPersonal | SubmitWish | SignUpForEvent | GiveEventFeedback),
        Role::GroupLeader => matches!(action, ClaimWish | ManageEvents),
        Role::Volunteer => matches!(action, ClaimWish | VolunteerAtEvent),
    }
}

fn grant_allows(grant: &Grant, action: Action, place: &Place) -> bool {
    if !role_allows(grant.role, action) {
        return false;
    }
    match grant.scope_kind {
        ScopeKind::Platform => grant.role == Role::Admin,
        ScopeKind::Community => grant.scope_id == Some(place.community_id),
        ScopeKind::Building => {
            grant.community_id == Some(place.community_id)
                && place.building_id.is_some()
                && grant.scope_id == place.building_id
        }
        ScopeKind::Household => {
            grant.community_id == Some(place.community_id)
                && place.household_id.is_some()
                && grant.scope_id == place.household_id
        }
        // A group leader acts for their group's community, and only in ways their role allows there.
        ScopeKind::Group => {
            grant.community_id == Some(place.community_id) && matches!(action, Action::ClaimWish | Action::ManageEvents)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const C1: i64 = 1;
    const C2: i64 = 2;

    fn actor(grants: &[(Role, Option<i64>, Option<i64>)]) -> Actor {
        Actor {
            user_id: 7,
            grants: grants
                .iter()
                .map(|&(role, scope_id, community_id)| Grant {
                    role,
                    scope_kind: role.scope_kind(),
                    scope_id,
                    community_id,
                })
                .collect(),
        }
    }

    #[test]
    fn admin_may_do_everything_everywhere() {
        let a = actor(&[(Role::Admin, None, None)]);
        assert!(a.can(Action::ViewAudit, &Place::community(C2)));
        assert!(a.can(Action::ViewSensitiveTags, &Place::household(C1, 3, 4)));
        assert_eq!(a.list_scope(Action::ViewGrid), ListScope::Everything);
    }

    #[test]
    fn staff_see_their_community_and_nothing_of_another() {
        let a = actor(&[(Role::Staff, Some(C1), Some(C1))]);
        for action in
            [Action::ViewGrid, Action::EditGrid, Action::ViewPersonal, Action::ExportRoster, Action::ViewAudit]
        {
            assert!(a.can(action, &Place::household(C1, 3, 4)), "{action:?}");
            assert!(!a.can(action, &Place::household(C2, 30, 40)), "{action:?}");
        }
        assert_eq!(a.list_scope(Action::ViewGrid), ListScope::Communities(vec![C1]));
    }

    #[test]
    fn building_head_sees_only_their_buildings_and_no_sensitive_tags() {
        let a = actor(&[(Role::BuildingHead, Some(3), Some(C1)), (Role::BuildingHead, Some(5), Some(C1))]);
        assert!(a.can(Action::ViewGrid, &Place::household(C1, 3, 4)));
        assert!(a.can(Action::EditGrid, &Place::household(C1, 5, 9)));
        assert!(a.can(Action::ViewPersonal, &Place::household(C1, 5, 9)));
        assert!(!a.can(Action::ViewGrid, &Place::household(C1, 6, 10)));
        assert!(!a.can(Action::ViewSensitiveTags, &Place::household(C1, 3, 4)));
        assert!(!a.can(Action::ExportRoster, &Place::community(C1)));
        assert!(!a.can(Action::EditCommunityLayout, &Place::community(C1)));
        // A building id that happens to match in another community gives nothing.
        assert!(!a.can(Action::ViewGrid, &Place::household(C2, 3, 4)));
        assert_eq!(a.list_scope(Action::ViewGrid), ListScope::Buildings(vec![3, 5]));
        assert_eq!(a.list_scope(Action::ViewAudit), ListScope::Nothing);
    }

    #[test]
    fn resident_sees_only_their_household_and_changes_nothing() {
        let a = actor(&[(Role::Resident, Some(4), Some(C1))]);
        assert!(a.can(Action::ViewGrid, &Place::household(C1, 3, 4)));
        assert!(a.can(Action::ViewPersonal, &Place::household(C1, 3, 4)));
        assert!(!a.can(Action::ViewGrid, &Place::household(C1, 3, 5)));
        assert!(!a.can(Action::ViewGrid, &Place::building(C1, 3)));
        assert!(!a.can(Action::EditGrid, &Place::household(C1, 3, 4)));
        assert_eq!(a.list_scope(Action::ViewGrid), ListScope::Households(vec![4]));
    }

    #[test]
    fn volunteers_and_nobody_see_no_grid() {
        let a = actor(&[(Role::Volunteer, Some(C1), Some(C1))]);
        assert!(!a.can(Action::ViewGrid, &Place::household(C1, 3, 4)));
        assert_eq!(a.list_scope(Action::ViewGrid), ListScope::Nothing);
        let nobody = Actor::default();
        assert!(!nobody.can(Action::ViewGrid, &Place::community(C1)));
        assert_eq!(nobody.list_scope(Action::ViewGrid), ListScope::Nothing);
    }

    #[test]
    fn the_widest_scope_wins_in_lists() {
        let a = actor(&[(Role::Resident, Some(4), Some(C1)), (Role::Staff, Some(C1), Some(C1))]);
        assert_eq!(a.list_scope(Action::ViewGrid), ListScope::Communities(vec![C1]));
    }

    #[test]
    fn wishes_are_submitted_for_a_household_reviewed_by_staff_and_claimed_by_helpers() {
        let resident = actor(&[(Role::Resident, Some(4), Some(C1))]);
        assert!(resident.can(Action::SubmitWish, &Place::household(C1, 3, 4)));
        assert!(!resident.can(Action::SubmitWish, &Place::household(C1, 3, 5)));
        assert!(!resident.can(Action::ClaimWish, &Place::community(C1)));
        assert!(!resident.can(Action::ReviewWish, &Place::community(C1)));
        let volunteer = actor(&[(Role::Volunteer, Some(C1), Some(C1))]);
        assert!(volunteer.can(Action::ClaimWish, &Place::building(C1, 3)));
        assert!(!volunteer.can(Action::ClaimWish, &Place::building(C2, 30)));
        assert!(!volunteer.can(Action::SubmitWish, &Place::household(C1, 3, 4)));
        let head = actor(&[(Role::BuildingHead, Some(3), Some(C1))]);
        assert!(head.can(Action::SubmitWish, &Place::household(C1, 3, 4)));
        assert!(!head.can(Action::SubmitWish, &Place::household(C1, 5, 9)));
        assert!(!head.can(Action::ReviewWish, &Place::building(C1, 3)));
        let staff = actor(&[(Role::Staff, Some(C1), Some(C1))]);
        assert!(staff.can(Action::ReviewWish, &Place::community(C1)));
        assert!(!staff.can(Action::ReviewWish, &Place::community(C2)));
        let leader = Actor {
            user_id: 9,
            grants: vec![Grant {
                role: Role::GroupLeader,
                scope_kind: ScopeKind::Group,
                scope_id: Some(1),
                community_id: Some(C1),
            }],
        };
        assert!(leader.can(Action::ClaimWish, &Place::community(C1)));
        assert!(!leader.can(Action::ConfirmService, &Place::community(C1)));
        assert!(!leader.can(Action::ViewGrid, &Place::community(C1)));
    }

    #[test]
    fn staff_and_group_leaders_run_events_and_residents_sign_up_their_household() {
        let staff = actor(&[(Role::Staff, Some(C1), Some(C1))]);
        assert!(staff.can(Action::ManageEvents, &Place::community(C1)));
        assert!(!staff.can(Action::ManageEvents, &Place::community(C2)));
        let leader = Actor {
            user_id: 9,
            grants: vec![Grant {
                role: Role::GroupLeader,
                scope_kind: ScopeKind::Group,
                scope_id: Some(1),
                community_id: Some(C1),
            }],
        };
        assert!(leader.can(Action::ManageEvents, &Place::community(C1)));
        assert!(!leader.can(Action::ManageEvents, &Place::community(C2)));
        let resident = actor(&[(Role::Resident, Some(4), Some(C1))]);
        assert_eq!(resident.own_households(), [4]);
        assert!(resident.lives_in(Some(4)) && !resident.lives_in(Some(5)) && !resident.lives_in(None));
        assert!(!staff.lives_in(Some(C1)), "a staff grant is not a home");
        assert!(resident.can(Action::SignUpForEvent, &Place::household(C1, 3, 4)));
        assert!(!resident.can(Action::SignUpForEvent, &Place::household(C1, 3, 5)));
        assert!(!resident.can(Action::ManageEvents, &Place::community(C1)));
        let volunteer = actor(&[(Role::Volunteer, Some(C1), Some(C1))]);
        assert!(!volunteer.can(Action::ManageEvents, &Place::community(C1)));
    }

    #[test]
    fn volunteers_take_shifts_attendees_give_feedback_and_staff_read_the_ledger() {
        let staff = actor(&[(Role::Staff, Some(C1), Some(C1))]);
        let volunteer = actor(&[(Role::Volunteer, Some(C1), Some(C1))]);
        let resident = actor(&[(Role::Resident, Some(4), Some(C1))]);
        let head = actor(&[(Role::BuildingHead, Some(3), Some(C1))]);
        for a in [&staff, &volunteer] {
            assert!(a.can(Action::VolunteerAtEvent, &Place::community(C1)));
            assert!(!a.can(Action::VolunteerAtEvent, &Place::community(C2)));
        }
        assert!(!resident.can(Action::VolunteerAtEvent, &Place::community(C1)));
        assert!(!head.can(Action::VolunteerAtEvent, &Place::community(C1)));
        assert!(resident.can(Action::GiveEventFeedback, &Place::household(C1, 3, 4)));
        assert!(!resident.can(Action::GiveEventFeedback, &Place::household(C1, 3, 5)));
        assert!(!volunteer.can(Action::GiveEventFeedback, &Place::household(C1, 3, 4)));
        assert!(staff.can(Action::ViewEventLedger, &Place::community(C1)));
        assert!(!staff.can(Action::ViewEventLedger, &Place::community(C2)));
        let leader = Actor {
            user_id: 9,
            grants: vec![Grant {
                role: Role::GroupLeader,
                scope_kind: ScopeKind::Group,
                scope_id: Some(1),
                community_id: Some(C1),
            }],
        };
        for a in [&volunteer, &resident, &head, &leader] {
            assert!(!a.can(Action::ViewEventLedger, &Place::community(C1)));
        }
    }

    #[test]
    fn only_staff_confirm_service_hours_and_pair_helpers() {
        let staff = actor(&[(Role::Staff, Some(C1), Some(C1))]);
        for action in [Action::ConfirmService, Action::ManageHelpPairs] {
            assert!(staff.can(action, &Place::community(C1)), "{action:?}");
            assert!(!staff.can(action, &Place::community(C2)), "{action:?}");
            for other in [
                actor(&[(Role::Volunteer, Some(C1), Some(C1))]),
                actor(&[(Role::BuildingHead, Some(3), Some(C1))]),
                actor(&[(Role::Resident, Some(4), Some(C1))]),
            ] {
                assert!(!other.can(action, &Place::household(C1, 3, 4)), "{action:?}");
            }
        }
    }

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
