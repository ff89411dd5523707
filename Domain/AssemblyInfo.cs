namespace Points.Domain;
