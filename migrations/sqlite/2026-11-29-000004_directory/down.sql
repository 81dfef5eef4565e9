DROP TABLE services;
DROP TABLE external_organisations;
