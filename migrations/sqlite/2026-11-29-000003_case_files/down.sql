DROP TABLE case_events;
DROP TABLE tasks;
DROP TABLE case_notes;
DROP TABLE case_assignments;
DROP TABLE cases;
DROP TABLE consents;
DROP TABLE identity_documents;
DROP TABLE beneficiaries;
