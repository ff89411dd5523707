namespace Points.Scoring;
