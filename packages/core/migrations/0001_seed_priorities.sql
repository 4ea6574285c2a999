-- The fixed, global priority scale (spec: Low, Medium, High, Urgent).
INSERT INTO "priorities" ("id", "name") VALUES (1, 'Low'), (2, 'Medium'), (3, 'High'), (4, 'Urgent')
ON CONFLICT ("id") DO NOTHING;
