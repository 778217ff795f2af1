// Checking a network: the gradient checker and the doctor.
export {};
