-- The tracking book of an agency (Mẫu 07) lists its dossiers by reception time in a period.
CREATE INDEX dossiers_agency_received ON dossiers (receiving_agency_id, received_at);
