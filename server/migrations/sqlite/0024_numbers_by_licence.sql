-- Issue 18: a Licence's Numbers found by their Licence. The Licences page, the dashboard and the
-- renewals count them per Licence; without this index each count read every Number of the
-- Company, so a Company's Licences page took time in the square of its Orders.
CREATE INDEX numbers_licence ON numbers (licence_id);
