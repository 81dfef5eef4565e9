//! Tenants: the partner organisations of the network, and Morocco's regions.

use crate::codes::code_enum;

code_enum!(
    /// What kind of organisation a tenant is.
    TenantKind, "tenant kind" {
        /// The NGO that coordinates the programme.
        Coordination => "coordination",
        /// A migrant or community association.
        Association => "association",
        /// The socio-economic innovation hub (incubator).
        Incubator => "incubator",
        /// A public service: employment agency, SME agency, cooperative office, social assistance.
        PublicService => "public_service",
        /// Any other partner.
        Other => "other",
    }
);

code_enum!(
    /// The twelve regions of Morocco (2015 division), by stable code.
    Region, "region" {
        /// Tanger-Tétouan-Al Hoceïma.
        TangerTetouanAlHoceima => "tanger_tetouan_al_hoceima",
        /// L'Oriental.
        Oriental => "oriental",
        /// Fès-Meknès.
        FesMeknes => "fes_meknes",
        /// Rabat-Salé-Kénitra.
        RabatSaleKenitra => "rabat_sale_kenitra",
        /// Béni Mellal-Khénifra.
        BeniMellalKhenifra => "beni_mellal_khenifra",
        /// Casablanca-Settat.
        CasablancaSettat => "casablanca_settat",
        /// Marrakech-Safi.
        MarrakechSafi => "marrakech_safi",
        /// Drâa-Tafilalet.
        DraaTafilalet => "draa_tafilalet",
        /// Souss-Massa.
        SoussMassa => "souss_massa",
        /// Guelmim-Oued Noun.
        GuelmimOuedNoun => "guelmim_oued_noun",
        /// Laâyoune-Sakia El Hamra.
        LaayouneSakiaElHamra => "laayoune_sakia_el_hamra",
        /// Dakhla-Oued Ed-Dahab.
        DakhlaOuedEdDahab => "dakhla_oued_ed_dahab",
    }
);

impl Region {
    /// The region's name in French.
    pub fn name_fr(&self) -> &'static str {
        match self {
            Region::TangerTetouanAlHoceima => "Tanger-Tétouan-Al Hoceïma",
            Region::Oriental => "L'Oriental",
            Region::FesMeknes => "Fès-Meknès",
            Region::RabatSaleKenitra => "Rabat-Salé-Kénitra",
            Region::BeniMellalKhenifra => "Béni Mellal-Khénifra",
            Region::CasablancaSettat => "Casablanca-Settat",
            Region::MarrakechSafi => "Marrakech-Safi",
            Region::DraaTafilalet => "Drâa-Tafilalet",
            Region::SoussMassa => "Souss-Massa",
            Region::GuelmimOuedNoun => "Guelmim-Oued Noun",
            Region::LaayouneSakiaElHamra => "Laâyoune-Sakia El Hamra",
            Region::DakhlaOuedEdDahab => "Dakhla-Oued Ed-Dahab",
        }
    }

    /// The region's name in Arabic.
    pub fn name_ar(&self) -> &'static str {
        match self {
            Region::TangerTetouanAlHoceima => "طنجة تطوان الحسيمة",
            Region::Oriental => "الشرق",
            Region::FesMeknes => "فاس مكناس",
            Region::RabatSaleKenitra => "الرباط سلا القنيطرة",
            Region::BeniMellalKhenifra => "بني ملال خنيفرة",
            Region::CasablancaSettat => "الدار البيضاء سطات",
            Region::MarrakechSafi => "مراكش آسفي",
            Region::DraaTafilalet => "درعة تافيلالت",
            Region::SoussMassa => "سوس ماسة",
            Region::GuelmimOuedNoun => "كلميم واد نون",
            Region::LaayouneSakiaElHamra => "العيون الساقية الحمراء",
            Region::DakhlaOuedEdDahab => "الداخلة وادي الذهب",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_twelve_regions_with_distinct_codes() {
        assert_eq!(Region::ALL.len(), 12);
        let mut codes: Vec<_> = Region::ALL.iter().map(Region::as_str).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 12);
    }

    #[test]
    fn codes_round_trip_and_unknown_codes_are_explained() {
        for kind in TenantKind::ALL {
            assert_eq!(kind.as_str().parse::<TenantKind>().ok(), Some(*kind));
        }
        let err = "ngo".parse::<TenantKind>().expect_err("not a kind");
        assert!(err.to_string().contains("coordination, association"));
    }
}
