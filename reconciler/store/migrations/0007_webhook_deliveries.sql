-- Reserved for this change; replaced by its tables.
SELECT 1;
