//! The OSCAL (1.1 / 1.2 JSON) shapes labelc writes and reads: only the
//! fields it uses. Field names follow the OSCAL JSON format (kebab-case);
//! optional fields are left out when empty so the output stays small and
//! stable. Reading (`labelc import oscal`) ignores fields it does not know.

use serde::{Deserialize, Serialize};

/// `{"catalog": {...}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CatalogDocument {
    pub catalog: Catalog,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Catalog {
    pub uuid: String,
    pub metadata: Metadata,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub groups: Vec<Group>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub controls: Vec<Control>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub back_matter: Option<BackMatter>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Metadata {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub published: Option<String>,
    pub last_modified: String,
    pub version: String,
    pub oscal_version: String,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub props: Vec<Prop>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub roles: Vec<Role>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub parties: Vec<Party>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub responsible_parties: Vec<ResponsibleParty>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub remarks: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Prop {
    pub name: String,
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ns: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub remarks: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Role {
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Party {
    pub uuid: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    #[serde(
        rename = "short-name",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub short_name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ResponsibleParty {
    pub role_id: String,
    pub party_uuids: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Group {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub id: Option<String>,
    pub title: String,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub groups: Vec<Group>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub controls: Vec<Control>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Control {
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub props: Vec<Prop>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub links: Vec<Link>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub parts: Vec<Part>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub controls: Vec<Control>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub href: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub rel: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub text: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Part {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ns: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub props: Vec<Prop>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub prose: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BackMatter {
    #[serde(default)]
    pub resources: Vec<Resource>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    pub uuid: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub props: Vec<Prop>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub citation: Option<ResourceCitation>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub rlinks: Vec<Rlink>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResourceCitation {
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rlink {
    pub href: String,
}

/// `{"profile": {...}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProfileDocument {
    pub profile: Profile,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub uuid: String,
    pub metadata: Metadata,
    pub imports: Vec<Import>,
    pub merge: Merge,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Import {
    pub href: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub include_all: Option<IncludeAll>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub include_controls: Vec<SelectControls>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub exclude_controls: Vec<SelectControls>,
}

/// `include-all: {}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncludeAll {}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SelectControls {
    pub with_ids: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Merge {
    pub as_is: bool,
}

/// `{"mapping-collection": {...}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct MappingCollectionDocument {
    pub mapping_collection: MappingCollection,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MappingCollection {
    pub uuid: String,
    pub metadata: Metadata,
    pub provenance: Provenance,
    pub mappings: Vec<Mapping>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Provenance {
    pub method: String,
    pub matching_rationale: String,
    pub status: String,
    pub mapping_description: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Mapping {
    pub uuid: String,
    pub source_resource: ResourceReference,
    pub target_resource: ResourceReference,
    pub maps: Vec<Map>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResourceReference {
    #[serde(rename = "type")]
    pub kind: String,
    pub href: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Map {
    pub uuid: String,
    pub relationship: String,
    pub sources: Vec<MappingItem>,
    pub targets: Vec<MappingItem>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub props: Vec<Prop>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub remarks: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MappingItem {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(rename = "id-ref")]
    pub id_ref: String,
}
